using LatentMas.Native.Interop;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Tests.Interop;

/// <summary>Bad input gets a typed exception naming the problem, and the process lives on.</summary>
[TestFixture]
public sealed class BadInputTests
{
    private LlamaModel _model = null!;

    [OneTimeSetUp]
    public void Load() => _model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));

    [OneTimeTearDown]
    public void Free() => _model.Dispose();

    [TearDown]
    public void ProcessStillWorks()
    {
        // After every failure the library must still decode normally.
        using var context = LlamaContext.Create(_model, ContextOptions.Exact(32));
        Assert.That(context.DecodeTokens(0, [1, 2, 3]).HiddenRow(0).Length, Is.EqualTo(64));
    }

    [Test]
    public void MissingFile()
    {
        var path = Path.Combine(GeneratedModels.Directory, "absent.gguf");
        var e = Assert.Throws<FileNotFoundException>(() => LlamaModel.Load(path));
        Assert.That(e!.Message, Does.Contain("absent.gguf"));
        Assert.Throws<FileNotFoundException>(() => GgufFile.Open(path));
    }

    [Test]
    public void NotAGgufFile()
    {
        var path = Path.Combine(GeneratedModels.Directory, "notes.gguf");
        File.WriteAllText(path, "these are notes, not a model\n");
        var e = Assert.Throws<InvalidModelFileException>(() => LlamaModel.Load(path));
        Assert.That(e!.Message, Does.Contain("notes.gguf"));
        Assert.Throws<InvalidModelFileException>(() => GgufFile.Open(path));
    }

    [Test]
    public void TruncatedGguf()
    {
        var source = GeneratedModels.Get("tiny-qwen2");
        var path = Path.Combine(GeneratedModels.Directory, "truncated.gguf");
        using (var input = File.OpenRead(source))
        using (var output = File.Create(path))
        {
            var half = new byte[input.Length / 2];
            input.ReadExactly(half);
            output.Write(half);
        }
        Assert.Throws<InvalidModelFileException>(() => LlamaModel.Load(path));
        var e = Assert.Throws<InvalidModelFileException>(() => GgufFile.Open(path));
        Assert.That(e!.Message, Does.Contain("truncated"));
    }

    [Test]
    public void ContextOverflow()
    {
        // llama.cpp rounds the context up to a multiple of 256: the check uses the size it really has.
        using var context = LlamaContext.Create(_model, ContextOptions.Exact(32));
        var size = context.ContextSize;
        Assert.That(size, Is.GreaterThanOrEqualTo(32));
        var tokens = Enumerable.Range(100, size + 8).ToArray();
        var e = Assert.Throws<ContextOverflowException>(() => context.DecodeTokens(0, tokens));
        Assert.That(e!.Message, Does.Contain($"{size}"));
        Assert.That(context.NextPosition(0), Is.EqualTo(0), "nothing was decoded");

        context.DecodeTokens(0, tokens[..size], DecodeOutputs.None);
        Assert.Throws<ContextOverflowException>(() => context.DecodeEmbeddings(0, new float[64]));
    }

    [Test]
    public void WrongEmbeddingWidth()
    {
        using var context = LlamaContext.Create(_model, ContextOptions.Exact(32));
        var e = Assert.Throws<ArgumentException>(() => context.DecodeEmbeddings(0, new float[63]));
        Assert.That(e!.Message, Does.Contain("64"));
        Assert.Throws<ArgumentException>(() => context.DecodeStep([0], new float[128]));
    }

    [Test]
    public unsafe void ShimRefusesWhatWouldAbortLlamaCpp()
    {
        // Straight to the shim, past the managed checks: a batch larger than n_batch and a wrong width
        // must come back as statuses, not as an abort inside llama_decode.
        using var context = LlamaContext.Create(_model, new ContextOptions { ContextSize = 64, BatchSize = 8, CacheType = KvCacheType.F32 });
        var handleField = typeof(LlamaContext).GetField("_handle", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var handle = (ContextHandle)handleField.GetValue(context)!;
        var tokens = Enumerable.Range(10, 16).ToArray();
        var seqs = new int[16];
        var pos = Enumerable.Range(0, 16).ToArray();
        int status;
        fixed (int* t = tokens)
        fixed (int* s = seqs)
        fixed (int* p = pos)
        {
            status = NativeMethods.lms_context_decode(handle, 16, t, null, 64, s, p, null, null, null);
        }
        Assert.That(status, Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(NativeStatus.LastError(), Does.Contain("n_batch"));

        var embd = new float[8 * 32];
        fixed (float* e = embd)
        fixed (int* s = seqs)
        fixed (int* p = pos)
        {
            status = NativeMethods.lms_context_decode(handle, 1, null, e, 32, s, p, null, null, null);
        }
        Assert.That(status, Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(NativeStatus.LastError(), Does.Contain("width"));

        // The managed path splits long inputs into batches instead.
        context.DecodeTokens(0, tokens, DecodeOutputs.None);
        Assert.That(context.NextPosition(0), Is.EqualTo(16));
    }

    [Test]
    public void UnknownTensorName()
    {
        using var file = GgufFile.Open(GeneratedModels.Get("tiny-qwen2"));
        var e = Assert.Throws<NativeNotFoundException>(() => file.GetTensorInfo("blk.99.attn_q.weight"));
        Assert.That(e!.Message, Does.Contain("blk.99.attn_q.weight"));
        Assert.Throws<NativeNotFoundException>(() => file.ReadRows("nope", 0, 1, new float[64]));
    }

    [Test]
    public void OutOfRangeIdsAndRows()
    {
        using var context = LlamaContext.Create(_model, ContextOptions.Exact(32, sequences: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.DecodeTokens(2, [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.DecodeTokens(0, [151936]));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.DecodeTokens(0, [-1]));
        Assert.Throws<ArgumentException>(() => context.DecodeStep([0, 0], new float[128]));
        using var file = GgufFile.Open(GeneratedModels.Get("tiny-qwen2"));
        Assert.Throws<NativeArgumentException>(() => file.ReadRows("token_embd.weight", 151930, 10, new float[640]));
        Assert.Throws<NativeArgumentException>(() => file.ReadRows("token_embd.weight", 0, 2, new float[64]));
    }

    [Test]
    public void CancelledTokenStopsBeforeDecoding()
    {
        using var context = LlamaContext.Create(_model, ContextOptions.Exact(32));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => context.DecodeTokens(0, [1, 2], cancellationToken: cts.Token));
        Assert.That(context.NextPosition(0), Is.EqualTo(0));
    }
}
