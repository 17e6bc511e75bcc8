using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;
using LatentMas.Native.Methods;

namespace LatentMas.Native.Tests.Methods;

/// <summary>The LatentMAS loop: batching, cache pruning, budgets.</summary>
[TestFixture]
public sealed class LatentMasMethodTests
{
    private LlamaModel _model = null!;
    private RidgeAlignment _identity = null!;

    private static readonly MethodInput[] Questions =
    [
        new(0, "Tom has 3 apples and buys 5 more. How many apples does he have?", "Put the number in \\boxed{}."),
        new(1, "A shelf holds 12 books; 4 are removed. How many remain?", "Put the number in \\boxed{}."),
        new(2, "What is 7 times 6?", "Put the number in \\boxed{}."),
        new(3, "A bus carries 40 people and 15 get off. How many are left on the bus?", "Put the number in \\boxed{}."),
    ];

    // Greedy, F32 cache and flash attention off: the setting in which llama.cpp is exact enough to compare.
    private static MethodOptions Exact(int batch = 1) => new()
    {
        LatentSteps = 3, MaxNewTokens = 10, Temperature = 0, GenerateBatch = batch, ContextSize = 512,
        CacheType = KvCacheType.F32, FlashAttention = FlashAttention.Off,
    };

    [OneTimeSetUp]
    public void Load()
    {
        var path = GeneratedModels.Get("tiny-qwen2");
        _model = LlamaModel.Load(path);
        using var file = GgufFile.Open(path);
        _identity = RidgeAlignment.Identity(file);
    }

    [OneTimeTearDown]
    public void Free() => _model.Dispose();

    [Test]
    public void BatchOfFourGivesTheSameResultsAsFourRunsOfOne()
    {
        var single = new List<MethodResult>();
        using (var one = new LatentMasMethod(_model, _identity, Exact()))
        {
            foreach (var q in Questions)
            {
                single.Add(one.Run([q])[0]);
            }
        }
        using var four = new LatentMasMethod(_model, _identity, Exact(4));
        var batched = four.Run(Questions);
        Assert.That(batched, Has.Count.EqualTo(4));
        for (var q = 0; q < 4; q++)
        {
            Assert.That(batched[q].Index, Is.EqualTo(q));
            Assert.That(batched[q].OutputTokens, Is.EqualTo(single[q].OutputTokens), $"question {q}");
            Assert.That(batched[q].Agents.Select(a => (a.KvBefore, a.KvAfter)), Is.EqualTo(single[q].Agents.Select(a => (a.KvBefore, a.KvAfter))));
        }
        Assert.That(batched.Select(r => r.RawOutput).Distinct().Count(), Is.GreaterThan(1), "different questions, different outputs");
    }

    [Test]
    public void DefaultModeKeepsEverythingAndZeroStepsStillSharesTheCache()
    {
        using var method = new LatentMasMethod(_model, _identity, Exact() with { LatentSteps = 0 });
        var result = method.Run([Questions[0]])[0];
        var agents = result.Agents;
        Assert.That(agents, Has.Count.EqualTo(4));
        var judger = agents[^1];
        Assert.That(judger.KvBefore, Is.EqualTo(agents.Take(3).Sum(a => a.PromptTokens)), "the judger reads all earlier prompts");
        Assert.That(method.ContextForTests.PositionMin(0), Is.EqualTo(0));
        Assert.That(result.LatentSteps, Is.EqualTo(0));
    }

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    public void PruningLeavesExactlyThePromisedPositions(bool latentOnly, bool sequentialInfoOnly)
    {
        const int steps = 4;
        var options = Exact() with { LatentSteps = steps, LatentOnly = latentOnly, SequentialInfoOnly = sequentialInfoOnly };
        using var method = new LatentMasMethod(_model, _identity, options);
        var result = method.Run([Questions[1]])[0];
        var agents = result.Agents;
        var refiner = agents[2];
        var judger = agents[3];
        var positionsBeforeJudger = agents.Take(3).Sum(a => a.PromptTokens + steps);
        var expectedKept = latentOnly ? steps : sequentialInfoOnly ? refiner.PromptTokens + steps : positionsBeforeJudger;

        Assert.That(refiner.KvAfter, Is.EqualTo(expectedKept));
        Assert.That(judger.KvBefore, Is.EqualTo(expectedKept));
        var context = method.ContextForTests;
        Assert.That(context.PositionMin(0), Is.EqualTo(positionsBeforeJudger - expectedKept), "first kept position");
        var cells = context.PositionMax(0) - context.PositionMin(0) + 1;
        Assert.That(cells, Is.EqualTo(judger.KvAfter), "cells now in the cache");
        Assert.That(judger.KvAfter, Is.EqualTo(expectedKept + judger.PromptTokens + judger.GeneratedTokens - 1));
    }

    [Test]
    public void QuestionThatCannotFitIsRefusedBeforeAnyWork()
    {
        using var method = new LatentMasMethod(_model, _identity, Exact() with { ContextSize = 128, LatentSteps = 30 });
        var e = Assert.Throws<ContextOverflowException>(() => method.Run([Questions[0]]));
        Assert.That(e!.Message, Does.Contain("--ctx-size"));
        Assert.That(method.ContextForTests.PositionMax(0), Is.EqualTo(-1), "nothing decoded");
    }

    [Test]
    public void RecordedLatentsHaveOneVectorPerStepAtTheTargetNorm()
    {
        using var method = new LatentMasMethod(_model, _identity, Exact() with { RecordLatents = true });
        var result = method.Run([Questions[2]])[0];
        Assert.That(result.Latents, Has.Count.EqualTo(4));
        foreach (var agent in result.Latents.Take(3))
        {
            Assert.That(agent.Latents, Has.Count.EqualTo(3));
            Assert.That(agent.HiddenStates, Has.Count.EqualTo(3));
            foreach (var e in agent.Latents)
            {
                Assert.That(Math.Sqrt(e.Sum(v => (double)v * v)), Is.EqualTo(_identity.TargetNorm).Within(1e-5));
            }
        }
        Assert.That(result.Latents[0].PromptTokenIds, Has.Length.EqualTo(result.Agents[0].PromptTokens));
    }

    [Test]
    public void CancellationStopsTheRun()
    {
        using var method = new LatentMasMethod(_model, _identity, Exact());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => method.Run([Questions[0]], cts.Token));
    }
}
