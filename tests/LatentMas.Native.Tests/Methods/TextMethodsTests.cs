using LatentMas.Native.Llama;
using LatentMas.Native.Methods;

namespace LatentMas.Native.Tests.Methods;

/// <summary>TextMAS and the baseline.</summary>
[TestFixture]
public sealed class TextMethodsTests
{
    private LlamaModel _model = null!;

    [OneTimeSetUp]
    public void Load() => _model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));

    [OneTimeTearDown]
    public void Free() => _model.Dispose();

    private static readonly MethodOptions Options = new() { MaxNewTokens = 8, Temperature = 0, ContextSize = 1024 };

    [Test]
    public void TextMasAgentsReadEarlierAgentsText()
    {
        using var method = new TextMasMethod(_model, Options);
        var result = method.Run([new MethodInput(0, "What is 2 + 3?", "Put the number in \\boxed{}.")])[0];
        Assert.That(result.Agents, Has.Count.EqualTo(4));
        Assert.That(result.Agents.All(a => a.GeneratedTokens is > 0 and <= 8), Is.True);
        // Each agent's prompt holds the notes of all before it, so prompts grow along the pipeline.
        var prompts = result.Agents.Select(a => a.PromptTokens).ToArray();
        Assert.That(prompts, Is.Ordered.Ascending);
        Assert.That(prompts[^1], Is.GreaterThan(prompts[0]));
        Assert.That(result.RawOutput, Is.EqualTo(result.Agents[^1].Output));
        Assert.That(result.LatentSteps, Is.EqualTo(0));
    }

    [Test]
    public void TextMasTrimsNotesToTheTokenBudget()
    {
        using var wide = new TextMasMethod(_model, Options);
        using var narrow = new TextMasMethod(_model, Options with { TextContextTokens = 16 });
        var input = new MethodInput(0, "Name three colours.", "Answer in one line.");
        var a = wide.Run([input])[0].Agents[^1].PromptTokens;
        var b = narrow.Run([input])[0].Agents[^1].PromptTokens;
        Assert.That(b, Is.LessThan(a));
    }

    [Test]
    public void BaselineAnswersInOneTurnAndBatchesGiveTheSameAnswers()
    {
        var inputs = new[] { new MethodInput(0, "What is 9 - 4?", "Give the number."), new MethodInput(1, "What is 2 * 8?", "Give the number.") };
        using var one = new BaselineMethod(_model, Options with { CacheType = KvCacheType.F32, FlashAttention = FlashAttention.Off });
        var single = inputs.Select(i => one.Run([i])[0]).ToArray();
        using var two = new BaselineMethod(_model, Options with { GenerateBatch = 2, CacheType = KvCacheType.F32, FlashAttention = FlashAttention.Off });
        var batched = two.Run(inputs);
        Assert.That(single[0].Agents, Has.Count.EqualTo(1));
        Assert.That(batched.Select(r => r.OutputTokens), Is.EqualTo(single.Select(r => r.OutputTokens)));
    }

    [Test]
    public void SeededSamplingDependsOnTheItemIndexNotTheBatch()
    {
        var sampled = Options with
        {
            Temperature = 1.0f, TopP = 1f, Seed = 11, GenerateBatch = 2, CacheType = KvCacheType.F32, FlashAttention = FlashAttention.Off,
        };
        using var method = new BaselineMethod(_model, sampled);
        var a = method.Run([new MethodInput(5, "Tell me a word.", ""), new MethodInput(6, "Tell me a word.", "")]);
        var b = method.Run([new MethodInput(6, "Tell me a word.", ""), new MethodInput(5, "Tell me a word.", "")]);
        Assert.That(b[1].Index, Is.EqualTo(5));
        Assert.That(b[1].OutputTokens, Is.EqualTo(a[0].OutputTokens), "index 5 samples the same tokens in either slot");
        Assert.That(a[0].OutputTokens, Is.Not.EqualTo(a[1].OutputTokens), "different indices, different seeds");
    }
}
