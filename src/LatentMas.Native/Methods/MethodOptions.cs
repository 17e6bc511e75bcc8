using LatentMas.Native.Agents;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Methods;

/// <summary>Settings of a method run. Every field that changes results goes into the run summary.</summary>
public sealed record MethodOptions
{
    /// <summary>Agent arrangement.</summary>
    public PromptStyle Prompt { get; init; } = PromptStyle.Sequential;

    /// <summary>Latent steps per non-final agent.</summary>
    public int LatentSteps { get; init; } = 10;

    /// <summary>Apply the ridge realignment matrix (otherwise only rescale).</summary>
    public bool Realign { get; init; }

    /// <summary>Ridge regularisation of the realignment.</summary>
    public double Lambda { get; init; } = 1e-5;

    /// <summary>Tokens the answering agent may write (and each TextMAS agent).</summary>
    public int MaxNewTokens { get; init; } = 512;

    /// <summary>Sampling temperature; 0 is greedy.</summary>
    public float Temperature { get; init; } = 0.6f;

    /// <summary>Nucleus sampling threshold.</summary>
    public float TopP { get; init; } = 0.95f;

    /// <summary>Base seed; question i samples with seed + i.</summary>
    public uint Seed { get; init; } = 42;

    /// <summary>Questions decoded together (one sequence each).</summary>
    public int GenerateBatch { get; init; } = 1;

    /// <summary>Append &lt;think&gt; after non-final agents' prompts (thinking models).</summary>
    public bool Think { get; init; }

    /// <summary>After each non-final agent, keep only its last latent-step positions in the cache.</summary>
    public bool LatentOnly { get; init; }

    /// <summary>After each non-final agent, keep only the positions it added.</summary>
    public bool SequentialInfoOnly { get; init; }

    /// <summary>Positions available to one question.</summary>
    public int ContextSize { get; init; } = 4096;

    /// <summary>Compute threads (0: all cores).</summary>
    public int Threads { get; init; }

    /// <summary>KV cache type.</summary>
    public KvCacheType CacheType { get; init; } = KvCacheType.F16;

    /// <summary>Flash attention.</summary>
    public FlashAttention FlashAttention { get; init; } = FlashAttention.Auto;

    /// <summary>TextMAS: tokens of earlier agents' text an agent sees at most (the most recent are kept).</summary>
    public int TextContextTokens { get; init; } = 2048;

    /// <summary>Keep prompt token ids and latent vectors in the results (for --save-latents and replay).</summary>
    public bool RecordLatents { get; init; }

    /// <summary>Checks ranges; the message names the option.</summary>
    public void Validate()
    {
        Require(LatentSteps >= 0, "--latent-steps must be 0 or more.");
        Require(MaxNewTokens >= 1, "--max-new-tokens must be at least 1.");
        Require(Temperature >= 0 && float.IsFinite(Temperature), "--temperature must be 0 (greedy) or more.");
        Require(TopP is > 0 and <= 1, "--top-p must be in (0, 1].");
        Require(GenerateBatch is >= 1 and <= 64, "--generate-bs must be between 1 and 64.");
        Require(ContextSize >= 64, "--ctx-size must be at least 64.");
        Require(Threads >= 0, "--threads must be 0 (all cores) or more.");
        Require(Lambda > 0 && double.IsFinite(Lambda), "--lambda must be a positive number.");
        Require(!(LatentOnly && SequentialInfoOnly), "--latent-only and --sequential-info-only exclude each other.");
        Require(!(LatentOnly && LatentSteps == 0), "--latent-only keeps only latent positions: with 0 latent steps the judger would see nothing. Use at least one step.");
        Require(TextContextTokens >= 16, "--text-context-tokens must be at least 16.");
    }

    /// <summary>Sampler of question <paramref name="index"/>.</summary>
    public SamplerOptions SamplerFor(int index) => Temperature <= 0
        ? SamplerOptions.Greedy
        : new SamplerOptions { Temperature = Temperature, TopP = TopP, Seed = unchecked(Seed + (uint)index) };

    /// <summary>Context settings for <paramref name="sequences"/> questions at once.</summary>
    public ContextOptions ContextFor(int sequences) => new()
    {
        ContextSize = ContextSize * sequences,
        BatchSize = Math.Max(512, sequences),
        Sequences = sequences,
        Threads = Threads,
        CacheType = CacheType,
        FlashAttention = FlashAttention,
    };

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
