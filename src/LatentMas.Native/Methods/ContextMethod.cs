using System.Text;
using LatentMas.Native.Agents;
using LatentMas.Native.Engine;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Methods;

/// <summary>
/// What every method shares: one context with a sequence per question of a batch, prompt encoding with
/// the model's chat template, per-question samplers, and the position budget check.
/// </summary>
public abstract class ContextMethod : IMethod
{
    /// <summary>
    /// Throws when latent methods are not offered for a model: architectures with multi-part positions (M-RoPE:
    /// Qwen2-VL, Qwen3-VL, Qwen3.5, ...) or input wider than the hidden width, as llama.cpp reports them.
    /// </summary>
    public static void CheckLatentSupport(ModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.SupportsEmbeddingInput)
        {
            throw new NotSupportedException(
                $"Latent methods are refused for the '{model.Architecture}' architecture: its positions are multi-part (M-RoPE) or its input is wider than its hidden states, and llama.cpp's embedding input is not reliable for it. Use text_mas or baseline.");
        }
    }

    /// <summary>Creates the method's context on <paramref name="model"/>.</summary>
    protected ContextMethod(LlamaModel model, MethodOptions options, bool feedsEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (feedsEmbeddings)
        {
            CheckLatentSupport(model.Info);
        }
        Model = model;
        Options = options;
        Context = LlamaContext.Create(model, options.ContextFor(options.GenerateBatch));
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public int BatchSize => Options.GenerateBatch;

    /// <summary>The model.</summary>
    protected LlamaModel Model { get; }

    /// <summary>The settings.</summary>
    protected MethodOptions Options { get; }

    /// <summary>The context: sequence q holds question q of the current batch.</summary>
    protected LlamaContext Context { get; }

    /// <summary>The context, for tests that inspect the cache a run left behind.</summary>
    internal LlamaContext ContextForTests => Context;

    /// <inheritdoc />
    public long KvCacheBytes => Context.KvCacheBytes;

    /// <inheritdoc />
    public IReadOnlyList<MethodResult> Run(IReadOnlyList<MethodInput> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0 || batch.Count > BatchSize)
        {
            throw new ArgumentException($"A batch holds 1 to {BatchSize} questions; got {batch.Count}.", nameof(batch));
        }
        Context.Clear();
        return RunBatch(batch, cancellationToken);
    }

    /// <summary>Answers a batch; question q uses sequence q of a cleared context.</summary>
    protected abstract IReadOnlyList<MethodResult> RunBatch(IReadOnlyList<MethodInput> batch, CancellationToken cancellationToken);

    /// <summary>
    /// Token ids of an agent's turn: its messages in the model's chat template with the assistant prefix,
    /// plus &lt;think&gt; when asked; special tokens (BOS) only at the start of a sequence.
    /// </summary>
    protected int[] EncodeTurn(IReadOnlyList<ChatMessage> messages, bool startOfSequence, bool think)
    {
        string text;
        try
        {
            text = Model.ChatTemplate is null ? PlainTurn(messages) : Model.ApplyChatTemplate(messages);
        }
        catch (NativeArgumentException)
        {
            // A Jinja template llama.cpp's built-in formatter does not recognise: plain text rather than no run at all.
            text = PlainTurn(messages);
        }
        if (think)
        {
            text += "<think>\n";
        }
        return Model.Tokenize(text, addSpecial: startOfSequence);
    }

    private static string PlainTurn(IReadOnlyList<ChatMessage> messages) => string.Join("\n\n", messages.Select(m => m.Content)) + "\n\n";

    /// <summary>One sampler per question, seeded by the question's index; dispose the set after the batch.</summary>
    protected SamplerSet CreateSamplers(IReadOnlyList<MethodInput> batch) =>
        new(batch.Select(i => new TokenSampler(Options.SamplerFor(i.Index))).ToArray());

    /// <summary>The samplers of one batch, freed together.</summary>
    protected sealed class SamplerSet(TokenSampler[] samplers) : IDisposable
    {
        /// <summary>Sampler of question q.</summary>
        public IReadOnlyList<TokenSampler> Samplers => samplers;

        /// <summary>Frees every sampler.</summary>
        public void Dispose()
        {
            foreach (var s in samplers)
            {
                s.Dispose();
            }
        }
    }

    /// <summary>Refuses a question whose turns would not fit its share of the context.</summary>
    protected void CheckBudget(MethodInput input, int positions, string what)
    {
        if (positions > Options.ContextSize)
        {
            throw new ContextOverflowException(
                $"Question {input.Index} needs {positions} positions ({what}) but --ctx-size is {Options.ContextSize}: raise --ctx-size or lower --latent-steps / --max-new-tokens.");
        }
    }

    /// <summary>UTF-8 text of tokens.</summary>
    protected string TextOf(IReadOnlyList<int> tokens)
    {
        var bytes = new List<byte>();
        foreach (var t in tokens)
        {
            bytes.AddRange(Model.TokenPiece(t, renderSpecial: false));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Generates text for every question of the batch from the logits of the last decode.</summary>
    protected List<int>[] Generate(DecodeOutput last, IReadOnlyList<TokenSampler> samplers, int questions, CancellationToken cancellationToken) =>
        TextGenerator.Generate(Context, Enumerable.Range(0, questions).ToArray(), last, samplers, Options.MaxNewTokens, cancellationToken);

    /// <summary>Frees the context.</summary>
    public void Dispose()
    {
        Context.Dispose();
        GC.SuppressFinalize(this);
    }
}
