using System.Text.Json;
using LatentMas.Native.Cli;

namespace LatentMas.Native.Tests.Cli;

/// <summary>latentmas run, end to end on a generated model and a GSM8K fixture.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RunCommandTests
{
    internal const string Gsm8kFixture = """
        {"question": "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?", "answer": "Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether.\n#### 72"}
        {"question": "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?", "answer": "Weng earns 12/60 = $0.2 per minute.\nWorking 50 minutes, she earned 0.2 x 50 = $10.\n#### 10"}
        {"question": "Betty needs $100 for a wallet and has half of it. Her parents give her $15 and her grandparents twice as much as her parents. How much more does she need?", "answer": "She has 100 / 2 = $50.\nGrandparents give 15 * 2 = $30.\nShe needs 100 - 50 - 30 - 15 = $5 more.\n#### 5"}
        {"question": "James writes a 3-page letter to 2 different friends twice a week. How many pages does he write a year?", "answer": "He writes 3*2=6 pages a week per round\nSo 6*2=12 pages every week\n12*52=624 pages a year\n#### 624"}
        """;

    private string _dir = null!;
    private string _data = null!;
    private string _model = null!;

    [OneTimeSetUp]
    public void Prepare()
    {
        _dir = Path.Combine(GeneratedModels.Directory, "cli");
        Directory.CreateDirectory(_dir);
        _data = Path.Combine(_dir, "gsm8k.jsonl");
        File.WriteAllText(_data, Gsm8kFixture);
        _model = GeneratedModels.Get("tiny-qwen2");
        Environment.SetEnvironmentVariable("LATENTMAS_HOME", Path.Combine(_dir, "home"));
    }

    private int Run(params string[] args) => Program.Main(args);

    private string[] Common(string method, string output) =>
    [
        "run", "--method", method, "--model", _model, "--task", "gsm8k", "--data", _data, "--output", output,
        "--max-new-tokens", "8", "--latent-steps", "2", "--temperature", "0",
    ];

    [TestCase("latent_mas", 4)]
    [TestCase("text_mas", 4)]
    [TestCase("baseline", 1)]
    public void EachMethodWritesResultsAndSummary(string method, int agents)
    {
        var output = Path.Combine(_dir, $"out-{method}");
        Assert.That(Run([.. Common(method, output), "--max-samples", "2"]), Is.EqualTo(0));
        var lines = File.ReadAllLines(Path.Combine(output, "results.jsonl"));
        Assert.That(lines, Has.Length.EqualTo(2));
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            Assert.That(root.GetProperty("gold").GetString(), Is.AnyOf("72", "10"));
            Assert.That(root.GetProperty("raw_output").GetString(), Is.Not.Null);
            Assert.That(root.GetProperty("agents").GetArrayLength(), Is.EqualTo(agents));
            Assert.That(root.GetProperty("generated_tokens").GetInt32(), Is.GreaterThan(0));
        }
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var s = summary.RootElement;
        Assert.That(s.GetProperty("method").GetString(), Is.EqualTo(method));
        Assert.That(s.GetProperty("done").GetInt32(), Is.EqualTo(2));
        Assert.That(s.GetProperty("interrupted").GetBoolean(), Is.False);
        var settings = s.GetProperty("settings");
        foreach (var key in new[] { "seed", "prompts_version", "latent_steps", "latent_space_realign", "lambda" })
        {
            Assert.That(settings.TryGetProperty(key, out _), Is.True, key);
        }
        Assert.That(s.GetProperty("model").GetProperty("sha256").GetString(), Has.Length.EqualTo(64));
        Assert.That(s.GetProperty("latent_steps").GetInt64(), Is.EqualTo(method == "latent_mas" ? 2 * 3 * 2 : 0));
    }

    [Test]
    public void MultipleChoiceTaskRunsThroughTheTasksLibrary()
    {
        var data = Path.Combine(_dir, "choice.jsonl");
        File.WriteAllText(data, """
            {"id": "c1", "question": "Which planet is known as the Red Planet?", "choices": ["Venus", "Mars", "Jupiter", "Saturn"], "answer": "B"}
            {"id": "c2", "question": "Which gas do plants take in?", "choices": ["Oxygen", "Carbon dioxide", "Helium"], "answer": "B"}
            """);
        var output = Path.Combine(_dir, "out-choice");
        Assert.That(Run("run", "--method", "latent_mas", "--model", _model, "--task", "custom", "--answer", "choice", "--data", data,
            "--output", output, "--max-new-tokens", "6", "--latent-steps", "1", "--temperature", "0"), Is.EqualTo(0));
        var lines = File.ReadAllLines(Path.Combine(output, "results.jsonl"));
        Assert.That(lines, Has.Length.EqualTo(2));
        using var first = JsonDocument.Parse(lines[0]);
        Assert.That(first.RootElement.GetProperty("id").GetString(), Is.EqualTo("c1"));
        Assert.That(first.RootElement.GetProperty("question").GetString(), Does.Contain("Mars"), "options are part of the question");
        Assert.That(first.RootElement.GetProperty("gold").GetString(), Is.EqualTo("B"));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        Assert.That(summary.RootElement.GetProperty("task").GetString(), Is.EqualTo("custom"));
    }

    [Test]
    public void ResumeSkipsFinishedItemsAndDropsACutLine()
    {
        var output = Path.Combine(_dir, "out-resume");
        Assert.That(Run([.. Common("latent_mas", output), "--max-samples", "2"]), Is.EqualTo(0));
        var results = Path.Combine(output, "results.jsonl");
        var first = File.ReadAllLines(results);
        File.AppendAllText(results, "{\"index\": 2, \"question\": \"cut sho");  // a write cut short

        Assert.That(Run(Common("latent_mas", output)), Is.EqualTo(2), "existing results need --resume");
        Assert.That(Run([.. Common("latent_mas", output), "--resume"]), Is.EqualTo(0));
        var all = File.ReadAllLines(results);
        Assert.That(all, Has.Length.EqualTo(4));
        Assert.That(all.Take(2), Is.EqualTo(first), "finished lines untouched");
        var indices = all.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("index").GetInt32());
        Assert.That(indices, Is.EqualTo(new[] { 0, 1, 2, 3 }));
    }

    [Test]
    public void SaveLatentsWritesNpyFilesAndAnIndex()
    {
        var output = Path.Combine(_dir, "out-latents");
        var latents = Path.Combine(_dir, "latents");
        Assert.That(Run([.. Common("latent_mas", output), "--max-samples", "1", "--save-latents", latents, "--latent_space_realign"]), Is.EqualTo(0));
        var q = Path.Combine(latents, "q00000");
        Assert.That(File.Exists(Path.Combine(q, "index.json")), Is.True);
        var planner = File.ReadAllBytes(Path.Combine(q, "planner_latents.npy"));
        Assert.That(planner.AsSpan(0, 6).ToArray(), Is.EqualTo(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }));
        var header = System.Text.Encoding.ASCII.GetString(planner, 10, BitConverter.ToUInt16(planner, 8));
        Assert.That(header, Does.Contain("'shape': (2, 64)"));
        Assert.That(planner.Length, Is.EqualTo(10 + header.Length + 2 * 64 * 4));
        Assert.That(File.Exists(Path.Combine(q, "judger_prompt_tokens.npy")), Is.True);
    }

    [TestCase("--task", "no_such_task")]
    [TestCase("--latent-steps", "-3")]
    [TestCase("--model", "/nonexistent/model.gguf")]
    [TestCase("--ctx-size", "100")]
    [TestCase("--method", "telepathy")]
    [TestCase("--max-samples", "many")]
    public void BadInputExitsWithTwo(string flag, string value)
    {
        var args = Common("latent_mas", Path.Combine(_dir, "out-bad-" + Guid.NewGuid().ToString("N")[..6])).ToList();
        var i = args.IndexOf(flag);
        args[i + 1] = value;
        if (flag == "--ctx-size")
        {
            args[args.IndexOf("--max-new-tokens") + 1] = "64";
        }
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.That(Run([.. args]), Is.EqualTo(2));
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.That(error.ToString(), Does.StartWith("error: "));
        Assert.That(error.ToString(), Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void HelpDocumentsEveryFlag()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Run("run", "--help");
        }
        finally
        {
            Console.SetOut(original);
        }
        var help = output.ToString();
        foreach (var flag in new[]
                 {
                     "--method", "--model", "--task", "--prompt", "--max-samples", "--latent-steps", "--latent-space-realign",
                     "--max-new-tokens", "--temperature", "--top-p", "--seed", "--generate-bs", "--think", "--latent-only",
                     "--sequential-info-only", "--gpu-layers", "--threads", "--ctx-size", "--output", "--resume", "--save-latents",
                     "--latent_steps", "--model_name",
                 })
        {
            Assert.That(help, Does.Contain(flag), flag);
        }
    }
}
