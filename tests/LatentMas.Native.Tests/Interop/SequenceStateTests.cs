using LatentMas.Native.Llama;

namespace LatentMas.Native.Tests.Interop;

/// <summary>KV cache operations and per-sequence state.</summary>
[TestFixture]
public sealed class SequenceStateTests
{
    private LlamaModel _model = null!;

    [OneTimeSetUp]
    public void Load() => _model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));

    [OneTimeTearDown]
    public void Free() => _model.Dispose();

    [Test]
    public void SavedAndRestoredSequenceGivesTheIdenticalNextHiddenState()
    {
        using var context = LlamaContext.Create(_model, ContextOptions.Exact(128));
        context.DecodeTokens(0, _model.Tokenize("Remember this sentence."), DecodeOutputs.None);
        var state = context.SaveSequence(0);
        var positions = context.NextPosition(0);
        var next = _model.Tokenize(" Now")[0];
        var first = context.DecodeTokens(0, [next]).HiddenRow(0).ToArray();

        context.RestoreSequence(0, state);
        Assert.That(context.NextPosition(0), Is.EqualTo(positions));
        var second = context.DecodeTokens(0, [next]).HiddenRow(0).ToArray();
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void RestoringIntoAnotherContextContinuesIdentically()
    {
        using var a = LlamaContext.Create(_model, ContextOptions.Exact(128));
        a.DecodeTokens(0, _model.Tokenize("Shared prefix"), DecodeOutputs.None);
        var state = a.SaveSequence(0);
        var next = _model.Tokenize(" here")[0];
        var expected = a.DecodeTokens(0, [next]).HiddenRow(0).ToArray();

        using var b = LlamaContext.Create(_model, ContextOptions.Exact(128, sequences: 2));
        b.RestoreSequence(1, state);
        Assert.That(b.DecodeTokens(1, [next]).HiddenRow(0).ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void CopiedSequenceContinuesLikeTheOriginal()
    {
        using var context = LlamaContext.Create(_model, ContextOptions.Exact(256, sequences: 2));
        context.DecodeTokens(0, _model.Tokenize("Two agents share this prompt."), DecodeOutputs.None);
        context.CopySequence(0, 1);
        Assert.That(context.NextPosition(1), Is.EqualTo(context.NextPosition(0)));
        var next = _model.Tokenize(" Then")[0];
        var h0 = context.DecodeTokens(0, [next]).HiddenRow(0).ToArray();
        var h1 = context.DecodeTokens(1, [next]).HiddenRow(0).ToArray();
        Assert.That(Numerics.RelativeError(h1, h0), Is.LessThan(1e-6));
    }

    [Test]
    public void RemovingTheTailShortensTheSequenceAndKeepOnlyDropsOthers()
    {
        using var context = LlamaContext.Create(_model, ContextOptions.Exact(256, sequences: 2));
        var tokens = _model.Tokenize("one two three four five six");
        context.DecodeTokens(0, tokens, DecodeOutputs.None);
        context.DecodeTokens(1, tokens, DecodeOutputs.None);
        context.RemoveRange(0, 3);
        Assert.That(context.NextPosition(0), Is.EqualTo(3));

        // A hole in the middle keeps the end: new positions continue after it.
        context.RemoveRange(1, 1, 3);
        Assert.That(context.PositionMax(1), Is.EqualTo(tokens.Length - 1));
        Assert.That(context.PositionMin(1), Is.EqualTo(0));

        context.KeepOnly(0);
        Assert.That(context.PositionMax(1), Is.EqualTo(-1));
        Assert.That(context.NextPosition(0), Is.EqualTo(3));
        context.Clear();
        Assert.That(context.PositionMax(0), Is.EqualTo(-1));
    }
}
