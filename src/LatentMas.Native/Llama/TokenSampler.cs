using LatentMas.Native.Interop;

namespace LatentMas.Native.Llama;

/// <summary>How the next token is chosen from logits.</summary>
public sealed record SamplerOptions
{
    /// <summary>Softmax temperature; 0 or less means greedy (argmax).</summary>
    public float Temperature { get; init; } = 0.6f;

    /// <summary>Keep the k most likely tokens (0: off).</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling threshold (1: off).</summary>
    public float TopP { get; init; } = 0.95f;

    /// <summary>Minimum probability relative to the best token (0: off).</summary>
    public float MinP { get; init; }

    /// <summary>Random seed: the same seed and logits give the same tokens.</summary>
    public uint Seed { get; init; } = 42;

    /// <summary>Greedy decoding.</summary>
    public static SamplerOptions Greedy { get; } = new() { Temperature = 0, TopP = 1 };
}

/// <summary>llama.cpp's sampler chain (top-k, top-p, min-p, temperature, seeded draw, or greedy).</summary>
public sealed unsafe class TokenSampler : IDisposable
{
    private readonly SamplerHandle _handle;

    /// <summary>The options it was built from.</summary>
    public SamplerOptions Options { get; }

    /// <summary>Builds a sampler.</summary>
    public TokenSampler(SamplerOptions? options = null)
    {
        Options = options ?? new SamplerOptions();
        if (Options.TopP is <= 0 or > 1 || float.IsNaN(Options.Temperature) || Options.TopK < 0 || Options.MinP is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "top-p must be in (0, 1], top-k and min-p not negative, temperature a number.");
        }
        NativeRuntime.EnsureInitialized();
        var p = new LmsSamplerParams
        {
            StructSize = sizeof(LmsSamplerParams),
            Temperature = Options.Temperature,
            TopK = Options.TopK,
            TopP = Options.TopP,
            MinP = Options.MinP,
            Seed = Options.Seed,
        };
        NativeStatus.Check(NativeMethods.lms_sampler_create(p, out _handle));
    }

    /// <summary>Chooses a token from one row of logits and records it (for samplers that look at history).</summary>
    public int Sample(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("Logits are empty.", nameof(logits));
        }
        fixed (float* l = logits)
        {
            NativeStatus.Check(NativeMethods.lms_sampler_sample(_handle, l, logits.Length, out var token));
            return token;
        }
    }

    /// <summary>Forgets history and restarts the random stream from the seed.</summary>
    public void Reset() => NativeStatus.Check(NativeMethods.lms_sampler_reset(_handle));

    /// <summary>Frees the sampler.</summary>
    public void Dispose() => _handle.Dispose();
}
