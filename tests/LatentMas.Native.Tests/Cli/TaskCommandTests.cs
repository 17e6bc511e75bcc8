using System.Text.Json;
using LatentMas.Native.Cli;

namespace LatentMas.Native.Tests.Cli;

/// <summary>latentmas tasks and latentmas score, wired to the tasks library.</summary>
[TestFixture]
[NonParallelizable]
public sealed class TaskCommandTests
{
    private static (int Code, string Out) Capture(params string[] args)
    {
        var output = new StringWriter();
        var original = Console.Out;
        var originalAnsi = Spectre.Console.AnsiConsole.Console;
        Console.SetOut(output);
        Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(output),
        });
        try
        {
            return (Program.Main(args), output.ToString());
        }
        finally
        {
            Console.SetOut(original);
            Spectre.Console.AnsiConsole.Console = originalAnsi;
        }
    }

    [Test]
    public void TasksListsEveryBenchmark()
    {
        var (code, text) = Capture("tasks");
        Assert.That(code, Is.EqualTo(0));
        foreach (var name in new[] { "gsm8k", "aime2024", "aime2025", "gpqa", "arc_easy", "arc_challenge", "winogrande", "mbppplus", "humanevalplus", "medqa", "custom" })
        {
            Assert.That(text, Does.Contain(name), name);
        }
    }

    [Test]
    public void ScoreRescoresSavedOutputsWithoutAModel()
    {
        var dir = Path.Combine(GeneratedModels.Directory, "score");
        Directory.CreateDirectory(dir);
        var data = Path.Combine(dir, "gsm8k.jsonl");
        File.WriteAllText(data, RunCommandTests.Gsm8kFixture);
        var predictions = Path.Combine(dir, "predictions.jsonl");
        File.WriteAllLines(predictions,
        [
            JsonSerializer.Serialize(new { index = 0, question = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?", raw_output = "So the total is \\boxed{72}." }),
            JsonSerializer.Serialize(new { index = 1, question = "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?", raw_output = "She earned 12 dollars." }),
        ]);
        var (code, json) = Capture("score", "--task", "gsm8k", "--data", data, "--predictions", predictions, "--json");
        Assert.That(code, Is.EqualTo(0));
        using var doc = JsonDocument.Parse(json);
        Assert.That(doc.RootElement.GetProperty("correct").GetInt32(), Is.EqualTo(1));
        Assert.That(doc.RootElement.GetProperty("scored").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public void ScoreOfAnUnknownTaskIsBadInput()
    {
        Assert.That(Capture("score", "--task", "nope", "--data", "x.jsonl", "--predictions", "y.jsonl").Code, Is.EqualTo(2));
    }
}
