using System.Text.Json;
using LatentMas.Native.Agents;
using LatentMas.Native.Engine;
using LatentMas.Native.Methods;
using LatentMas.Native.Runs;

namespace LatentMas.Native.Tests.Runs;

/// <summary>The runner's bookkeeping, with a scripted method (no model needed).</summary>
[TestFixture]
public sealed class BenchmarkRunnerTests
{
    private sealed class ScriptedMethod(int batchSize, Action<int>? onBatch = null, int failIndex = -1) : IMethod
    {
        private int _calls;
        public string Name => "scripted";
        public int BatchSize => batchSize;
        public long KvCacheBytes => 1234;
        public List<int> Seen { get; } = [];

        public IReadOnlyList<MethodResult> Run(IReadOnlyList<MethodInput> batch, CancellationToken cancellationToken = default)
        {
            onBatch?.Invoke(_calls++);
            cancellationToken.ThrowIfCancellationRequested();
            if (batch.Any(b => b.Index == failIndex))
            {
                throw new ContextOverflowException($"question {failIndex} does not fit");
            }
            Seen.AddRange(batch.Select(b => b.Index));
            return batch.Select(b => new MethodResult(b.Index, $"the answer is \\boxed{{{b.Index * 2}}}", [1, 2, 3],
                [new AgentTrace("solver", AgentRole.Judger, 5, 0, 0, 7, 3, "x", 1.0)], [])).ToArray();
        }

        public void Dispose() { }
    }

    private sealed class DoubleScorer : IAnswerScorer
    {
        public string Task => "double";
        public ScoredAnswer Score(RunItem item, string rawOutput)
        {
            var prediction = rawOutput[(rawOutput.IndexOf('{') + 1)..rawOutput.IndexOf('}')];
            return new ScoredAnswer(prediction, prediction == item.Gold);
        }
    }

    private static List<RunItem> Items(int n) =>
        Enumerable.Range(0, n).Select(i => new RunItem(i, $"id{i}", $"q{i}", i % 2 == 0 ? $"{i * 2}" : "wrong", "")).ToList();

    [Test]
    public void CancellationKeepsFinishedLinesAndResumeSkipsThem()
    {
        var dir = Path.Combine(GeneratedModels.Directory, "runner-" + Guid.NewGuid().ToString("N")[..6]);
        using var cts = new CancellationTokenSource();
        var method = new ScriptedMethod(2, call => { if (call == 2) cts.Cancel(); });
        var summary = new BenchmarkRunner(method, new DoubleScorer(), dir).Run(Items(10), resume: false, cancellationToken: cts.Token);
        Assert.That(summary.Interrupted, Is.True);
        Assert.That(summary.Done, Is.EqualTo(4));
        var lines = File.ReadAllLines(Path.Combine(dir, BenchmarkRunner.ResultsFile));
        Assert.That(lines, Has.Length.EqualTo(4));
        foreach (var line in lines)
        {
            Assert.That(JsonDocument.Parse(line).RootElement.GetProperty("raw_output").GetString(), Does.StartWith("the answer"));
        }

        var again = new ScriptedMethod(3);
        var resumed = new BenchmarkRunner(again, new DoubleScorer(), dir).Run(Items(10), resume: true);
        Assert.That(again.Seen, Is.EqualTo(new[] { 4, 5, 6, 7, 8, 9 }));
        Assert.That(resumed.Done, Is.EqualTo(10));
        Assert.That(resumed.Correct, Is.EqualTo(5));
        Assert.That(resumed.Accuracy, Is.EqualTo(0.5));
        Assert.That(resumed.Interrupted, Is.False);
        Assert.That(resumed.KvCacheBytes, Is.EqualTo(1234));
        Assert.That(File.ReadAllLines(Path.Combine(dir, BenchmarkRunner.ResultsFile)), Has.Length.EqualTo(10));
    }

    [Test]
    public void AQuestionThatFailsIsRecordedAndTheRunGoesOn()
    {
        var dir = Path.Combine(GeneratedModels.Directory, "runner-fail-" + Guid.NewGuid().ToString("N")[..6]);
        var method = new ScriptedMethod(3, failIndex: 4);
        var summary = new BenchmarkRunner(method, new DoubleScorer(), dir).Run(Items(8), resume: false);
        Assert.That(summary.Done, Is.EqualTo(8));
        Assert.That(summary.Interrupted, Is.False);
        Assert.That(method.Seen, Is.EqualTo(new[] { 0, 1, 2, 3, 5, 6, 7 }), "the failing batch is retried one question at a time");
        var failed = File.ReadAllLines(Path.Combine(dir, BenchmarkRunner.ResultsFile))
            .Select(l => JsonDocument.Parse(l).RootElement).Single(r => r.GetProperty("index").GetInt32() == 4);
        Assert.That(failed.GetProperty("correct").GetBoolean(), Is.False);
        Assert.That(failed.GetProperty("failure").GetString(), Does.Contain("does not fit"));
        Assert.That(File.Exists(Path.Combine(dir, BenchmarkRunner.SummaryFile)), Is.True);
    }

    [Test]
    public void RepetitionDetectorFlagsLoopsOnly()
    {
        Assert.That(RepetitionDetector.IsCollapsed([.. Enumerable.Repeat(7, 20)]), Is.True);
        Assert.That(RepetitionDetector.IsCollapsed([1, 2, 3, 4, .. Enumerable.Range(0, 30).Select(i => i % 3)]), Is.True);
        Assert.That(RepetitionDetector.IsCollapsed([.. Enumerable.Range(0, 40)]), Is.False);
        Assert.That(RepetitionDetector.IsCollapsed([.. Enumerable.Range(0, 30), 5, 5, 5]), Is.False, "a short tail is not a collapse");
        Assert.That(RepetitionDetector.IsCollapsed([]), Is.False);
    }
}
