using System.Text.Json;
using System.Text.Json.Nodes;
using LatentMas.Native.Tasks.Data;
using LatentMas.Native.Tasks.Sandbox;
using LatentMas.Native.Tasks.Scoring;

namespace LatentMas.Native.Tasks.Tests;

/// <summary>Re-scoring a predictions file against a task's data.</summary>
public sealed class ScorerTests
{
    private static string WritePredictions(params object[] lines)
    {
        var path = Path.Combine(FixtureFiles.NewScratchFolder(), "results.jsonl");
        File.WriteAllLines(path, lines.Select(l => JsonSerializer.Serialize(l)));
        return path;
    }

    [Test]
    public void MatchesByIdQuestionOrIndexAndCountsEverything()
    {
        var predictions = WritePredictions(
            // A run's results.jsonl line: index, id, question, gold, raw_output, ...
            new { index = 0, id = (string?)null, question = "ignored when the index matches", gold = "72", raw_output = "I think 70.", correct = false },
            new { question = "Weng earns $12 an hour for babysitting.   Yesterday, she just did 50 minutes of babysitting. How much did she earn?", output = "She earned \\boxed{10} dollars." },
            new { id = "no-such-id", question = "What?", raw_output = "5" },
            new { index = 0, raw_output = "48 + 24 = \\boxed{72}" },
            new { index = 2, task = "aime2024", raw_output = "\\boxed{3750}" });

        var summary = Scorer.ScoreFile("gsm8k", FixtureFiles.Get("gsm8k.jsonl"), predictions);

        Assert.That(summary.Task, Is.EqualTo("gsm8k"));
        Assert.That(summary.Items, Is.EqualTo(3));
        Assert.That(summary.Predictions, Is.EqualTo(4));
        Assert.That(summary.OtherTask, Is.EqualTo(1));
        Assert.That(summary.Scored, Is.EqualTo(2));
        Assert.That(summary.Correct, Is.EqualTo(2), "the last of the duplicate lines (correct) is scored");
        Assert.That(summary.Duplicates, Is.EqualTo(1));
        Assert.That(summary.Unmatched, Is.EqualTo(1));
        Assert.That(summary.Missing, Is.EqualTo(1));
        Assert.That(summary.Accuracy, Is.EqualTo(1.0));
        Assert.That(summary.Results.Select(r => r.Index), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(summary.Results[1].Prediction, Is.EqualTo("10"));
        Assert.That(summary.Results[1].PredictionLine, Is.EqualTo(2));

        var text = summary.ToText(includeItems: true);
        Assert.That(text, Does.StartWith("gsm8k (number): 2/2 correct, accuracy 100.0%"));
        Assert.That(text, Does.Contain("unmatched lines     1").And.Contain("items not predicted 1"));
        var json = JsonNode.Parse(summary.ToJson())!;
        Assert.That(json["correct"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(json["results"]!.AsArray(), Has.Count.EqualTo(2));
    }

    [Test]
    public void WrongAndMissingAnswersLowerTheAccuracy()
    {
        var predictions = WritePredictions(
            new { id = "q1", output = "\\boxed{42}" },
            new { id = "q2", output = "I don't know" });
        var summary = Scorer.ScoreFile("custom", FixtureFiles.Get("custom_number.jsonl"), predictions,
                                       new ScoreOptions { CustomAnswer = AnswerType.Number });
        Assert.That(summary.Correct, Is.EqualTo(1));
        Assert.That(summary.NoAnswer, Is.EqualTo(1));
        Assert.That(summary.Accuracy, Is.EqualTo(0.5));
        Assert.That(summary.Failures[ItemScore.NoAnswer], Is.EqualTo(1));
    }

    [Test]
    public async Task CodeTaskReportsSandboxFailureReasons()
    {
        try
        {
            PythonSandbox.EnsureAvailable();
        }
        catch (PythonNotFoundException e)
        {
            Assert.Ignore(e.Message);
        }
        var predictions = WritePredictions(
            new { task_id = "2", raw_output = "```python\ndef similar_elements(a, b):\n    return tuple(set(a) & set(b))\n```" },
            new { task_id = "3", raw_output = "```python\ndef is_not_prime(n):\n    return n % 2 == 0\n```" });
        var summary = await Scorer.ScoreFileAsync("mbppplus", FixtureFiles.Get("mbppplus.jsonl"), predictions);
        Assert.That(summary.Correct, Is.EqualTo(1));
        Assert.That(summary.Results[1].CodeFailure, Is.EqualTo(SandboxFailure.TestFailure));
        Assert.That(summary.Results[1].Failure, Does.StartWith("TestFailure"));
        Assert.That(summary.Failures["TestFailure"], Is.EqualTo(1));
        Assert.That(summary.ToText(), Does.Contain("failures            TestFailure 1"));

        var none = WritePredictions(new { task_id = "2", raw_output = "no code at all" });
        var noCode = await Scorer.ScoreFileAsync("mbppplus", FixtureFiles.Get("mbppplus.jsonl"), none);
        Assert.That(noCode.Results[0].CodeFailure, Is.EqualTo(SandboxFailure.NoCodeBlock));
        Assert.That(noCode.NoAnswer, Is.EqualTo(1));
    }

    [Test]
    public void GpqaScoresWithTheRunsSeed()
    {
        var items = TaskDataLoader.Load(TaskCatalogue.Get("gpqa"), FixtureFiles.Get("gpqa.jsonl"), new TaskOptions { Seed = 5 });
        var predictions = WritePredictions(items.Select(i => (object)new { index = i.Index, raw_output = $"\\boxed{{{i.Gold}}}" }).ToArray());
        var right = Scorer.ScoreFile("gpqa", FixtureFiles.Get("gpqa.jsonl"), predictions, new ScoreOptions { Task = new TaskOptions { Seed = 5 } });
        Assert.That(right.Correct, Is.EqualTo(3));
    }

    [Test]
    public void PredictionLineWithoutOutputIsAClearError()
    {
        var predictions = WritePredictions(new { id = "q1", note = "nothing" });
        var e = Assert.Throws<DataFormatException>(() => Scorer.ScoreFile("custom", FixtureFiles.Get("custom_text.jsonl"), predictions));
        Assert.That(e!.Message, Does.Contain("line 1").And.Contain("raw_output"));
    }

    [Test]
    public void UnknownTaskIsAClearError() =>
        Assert.Throws<UnknownTaskException>(() => Scorer.ScoreFile("nope", FixtureFiles.Get("gsm8k.jsonl"), FixtureFiles.Get("gsm8k.jsonl")));
}
