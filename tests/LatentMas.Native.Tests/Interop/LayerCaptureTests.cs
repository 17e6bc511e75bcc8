using LatentMas.Native.Llama;

namespace LatentMas.Native.Tests.Interop;

/// <summary>Hidden states of inner layers through llama.cpp's evaluation callback.</summary>
[TestFixture]
public sealed class LayerCaptureTests
{
    [Test]
    public void LastLayerOutputNormalisedIsTheFinalHiddenState()
    {
        // The final hidden state is RMSNorm(l_out of the last layer) times the output norm's weight, which is 1 here.
        using var model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        using var context = LlamaContext.Create(model, ContextOptions.Exact(64) with { EnableLayerCapture = true });
        context.SetCaptureLayer(model.Info.Layers - 1);
        var tokens = model.Tokenize("Which layer is this?");
        var final = context.DecodeTokens(0, tokens).HiddenRow(0).ToArray();
        var captured = context.GetCapturedHidden(tokens.Length - 1);

        var meanSquare = captured.Select(v => (double)v * v).Average();
        var normalised = captured.Select(v => (float)(v / Math.Sqrt(meanSquare + 1e-6))).ToArray();
        Assert.That(Numerics.RelativeError(normalised, final), Is.LessThan(1e-5));
    }

    [Test]
    public void InnerLayerIsCapturedForEveryRowAndDiffersFromTheNext()
    {
        using var model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        using var context = LlamaContext.Create(model, ContextOptions.Exact(64) with { EnableLayerCapture = true });
        var tokens = model.Tokenize("four tokens or so");
        context.SetCaptureLayer(0);
        context.DecodeTokens(0, tokens, DecodeOutputs.None);
        var layer0 = Enumerable.Range(0, tokens.Length).Select(context.GetCapturedHidden).ToArray();
        Assert.That(layer0.Select(h => h.Length), Is.All.EqualTo(64));
        Assert.That(Numerics.RelativeError(layer0[0], layer0[1]), Is.GreaterThan(1e-3), "rows are distinct positions");

        context.Clear();
        context.SetCaptureLayer(1);
        context.DecodeTokens(0, tokens, DecodeOutputs.Hidden);
        Assert.That(Numerics.RelativeError(context.GetCapturedHidden(tokens.Length - 1), layer0[^1]), Is.GreaterThan(1e-3));
        Assert.Throws<NativeArgumentException>(() => context.GetCapturedHidden(tokens.Length), "row outside the last decode");
    }

    [Test]
    public void CaptureNeedsToBeEnabledAndInRange()
    {
        using var model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        using var plain = LlamaContext.Create(model, ContextOptions.Exact(32));
        Assert.Throws<InvalidOperationException>(() => plain.SetCaptureLayer(0));
        using var capturing = LlamaContext.Create(model, ContextOptions.Exact(32) with { EnableLayerCapture = true });
        Assert.Throws<ArgumentOutOfRangeException>(() => capturing.SetCaptureLayer(2));
    }
}
