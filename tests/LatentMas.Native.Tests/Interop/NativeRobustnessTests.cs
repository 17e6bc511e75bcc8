using LatentMas.Native.Interop;
using LatentMas.Native.Llama;
using LatentMas.Native.Methods;

namespace LatentMas.Native.Tests.Interop;

/// <summary>Inputs that would abort llama.cpp or leave stale state, handled by the shim.</summary>
[TestFixture]
public sealed class NativeRobustnessTests
{
    private static ContextHandle HandleOf(LlamaContext context) =>
        (ContextHandle)typeof(LlamaContext).GetField("_handle", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(context)!;

    [Test]
    public void AnyNegativeSequenceMeansEverySequence()
    {
        using var model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        using var context = LlamaContext.Create(model, ContextOptions.Exact(64, sequences: 2));
        context.DecodeTokens(0, [1, 2, 3], DecodeOutputs.None);
        context.DecodeTokens(1, [4, 5], DecodeOutputs.None);
        Assert.That(NativeMethods.lms_kv_seq_rm(HandleOf(context), -7, 0, -1), Is.EqualTo(NativeStatus.Ok));
        Assert.That(context.PositionMax(0), Is.EqualTo(-1));
        Assert.That(context.PositionMax(1), Is.EqualTo(-1));
    }

    [Test]
    public void AStopRequestDoesNotOutliveTheDecodeItWasFor()
    {
        using var model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        using var context = LlamaContext.Create(model, ContextOptions.Exact(64));
        context.RequestAbort();  // no decode running: dropped
        Assert.That(context.DecodeTokens(0, [1, 2, 3]).HiddenRow(0).Length, Is.EqualTo(64));
    }

    [Test]
    public unsafe void CaptureOfAFailedDecodeIsNotServedFromTheOneBefore()
    {
        using var model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        using var context = LlamaContext.Create(model, ContextOptions.Exact(64) with { EnableLayerCapture = true });
        context.SetCaptureLayer(0);
        context.DecodeTokens(0, [1, 2, 3], DecodeOutputs.Hidden);
        Assert.That(context.GetCapturedHidden(0), Has.Length.EqualTo(64));

        // Position 10 after positions 0..2: llama.cpp refuses the gap, and the old capture must be gone.
        var token = 5;
        var seq = 0;
        var pos = 10;
        var status = NativeMethods.lms_context_decode(HandleOf(context), 1, &token, null, 64, &seq, &pos, null, null, null);
        Assert.That(status, Is.EqualTo(NativeStatus.Decode));
        Assert.Throws<NativeNotFoundException>(() => context.GetCapturedHidden(0));
    }

    [Test]
    public void ModelWithoutLayersIsRefusedNotAborted()
    {
        var path = Path.Combine(GeneratedModels.Directory, "no-layers.gguf");
        using (var writer = new GgufWriter())
        {
            writer.Set("general.architecture", "qwen2");
            writer.Set("qwen2.block_count", 0u);
            writer.BeginData(path);
            writer.Finish();
        }
        var e = Assert.Throws<InvalidModelFileException>(() => LlamaModel.Load(path));
        Assert.That(e!.Message, Does.Contain("block_count"));
    }

    [Test]
    public void AlignmentKeyMustBeAPowerOfTwo()
    {
        using var writer = new GgufWriter();
        Assert.Throws<NativeArgumentException>(() => writer.Set("general.alignment", "32"));
        Assert.Throws<NativeArgumentException>(() => writer.Set("general.alignment", 24u));
        Assert.DoesNotThrow(() => writer.Set("general.alignment", 64u));
    }

    [Test]
    public void LatentOnlyNeedsAtLeastOneStep()
    {
        var e = Assert.Throws<ArgumentException>(() => new MethodOptions { LatentOnly = true, LatentSteps = 0 }.Validate());
        Assert.That(e!.Message, Does.Contain("--latent-only"));
    }
}
