using System.Diagnostics;
using LatentMas.Native.Agents;
using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Methods;

/// <summary>
/// LatentMAS: every agent of a question shares one KV cache (one sequence). A non-final agent appends its
/// prompt, then thinks for <see cref="MethodOptions.LatentSteps"/> steps: its last hidden state h becomes the
/// next input embedding e = align(h). The final agent appends its prompt to the same cache and writes the
/// answer. Questions of a batch are separate sequences; one latent step is one decode of all of them.
/// With 0 latent steps the final agent still reads the whole shared cache.
/// </summary>
public sealed class LatentMasMethod : ContextMethod
{
    private readonly RidgeAlignment _alignment;
    private readonly IReadOnlyList<Agent> _agents;

    /// <summary>A LatentMAS runner on <paramref name="model"/> with the given alignment (identity or ridge).</summary>
    public LatentMasMethod(LlamaModel model, RidgeAlignment alignment, MethodOptions options)
        : base(Matching(model, alignment), options, feedsEmbeddings: true)
    {
        _alignment = alignment;
        _agents = AgentPipelines.For(options.Prompt);
    }

    /// <inheritdoc />
    public override string Name => "latent_mas";

    // Checked before the base constructor allocates the context, so a mismatch leaks nothing.
    private static LlamaModel Matching(LlamaModel model, RidgeAlignment alignment)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(alignment);
        if (alignment.Width != model.Info.EmbeddingSize)
        {
            throw new ArgumentException($"The alignment is {alignment.Width} wide, the model {model.Info.EmbeddingSize}.", nameof(alignment));
        }
        return model;
    }

    /// <inheritdoc />
    protected override IReadOnlyList<MethodResult> RunBatch(IReadOnlyList<MethodInput> batch, CancellationToken cancellationToken)
    {
        var n = batch.Count;
        var width = Model.Info.EmbeddingSize;
        var steps = Options.LatentSteps;
        var sequences = Enumerable.Range(0, n).ToArray();

        // Encode every turn first, so a question that cannot fit is refused before any work.
        var turns = _agents.Select((agent, a) => batch.Select(input => EncodeTurn(
            PromptBook.ForAgent(agent, input.Question, input.AnswerFormat), startOfSequence: a == 0,
            think: Options.Think && !agent.WritesAnswer)).ToArray()).ToArray();
        for (var q = 0; q < n; q++)
        {
            var positions = turns.Sum(t => t[q].Length) + steps * (_agents.Count - 1) + Options.MaxNewTokens;
            CheckBudget(batch[q], positions, $"{turns.Sum(t => t[q].Length)} prompt tokens, {steps} latent steps for each of {_agents.Count - 1} agents, {Options.MaxNewTokens} new tokens");
        }

        using var samplerSet = CreateSamplers(batch);
        var samplers = samplerSet.Samplers;
        var traces = Enumerable.Range(0, n).Select(_ => new List<AgentTrace>()).ToArray();
        var latents = Enumerable.Range(0, n).Select(_ => new List<AgentLatents>()).ToArray();
        var cells = new int[n];  // KV cells each question's sequence holds
        List<int>[] answers = [];
        var embeddings = new float[n * width];
        for (var a = 0; a < _agents.Count; a++)
        {
            var agent = _agents[a];
            var clock = Stopwatch.StartNew();
            var before = cells.ToArray();
            var output = Context.DecodeTokens(sequences, turns[a], agent.WritesAnswer ? DecodeOutputs.Logits : DecodeOutputs.Hidden, cancellationToken);
            for (var q = 0; q < n; q++)
            {
                cells[q] += turns[a][q].Length;
            }
            if (!agent.WritesAnswer)
            {
                var fed = Enumerable.Range(0, n).Select(_ => new List<float[]>()).ToArray();
                var hidden = Enumerable.Range(0, n).Select(_ => new List<float[]>()).ToArray();
                for (var s = 0; s < steps; s++)
                {
                    for (var q = 0; q < n; q++)
                    {
                        _alignment.Apply(output.HiddenRow(q), embeddings.AsSpan(q * width, width));
                        if (Options.RecordLatents)
                        {
                            fed[q].Add(embeddings.AsSpan(q * width, width).ToArray());
                        }
                    }
                    output = Context.DecodeStep(sequences, embeddings, DecodeOutputs.Hidden, cancellationToken);
                    for (var q = 0; q < n; q++)
                    {
                        cells[q]++;
                        if (Options.RecordLatents)
                        {
                            hidden[q].Add(output.HiddenRow(q).ToArray());
                        }
                    }
                }
                Prune(turns[a], cells, steps);
                for (var q = 0; q < n; q++)
                {
                    traces[q].Add(new AgentTrace(agent.Name, agent.Role, turns[a][q].Length, steps, before[q], cells[q], 0, "",
                        clock.Elapsed.TotalMilliseconds));
                    if (Options.RecordLatents)
                    {
                        latents[q].Add(new AgentLatents(agent.Name, turns[a][q], fed[q], hidden[q]));
                    }
                }
            }
            else
            {
                answers = Generate(output, samplers, n, cancellationToken);
                for (var q = 0; q < n; q++)
                {
                    // The last written token is sampled but not decoded.
                    cells[q] += Math.Max(0, answers[q].Count - 1);
                    traces[q].Add(new AgentTrace(agent.Name, agent.Role, turns[a][q].Length, 0, before[q], cells[q], answers[q].Count,
                        TextOf(answers[q]), clock.Elapsed.TotalMilliseconds));
                    if (Options.RecordLatents)
                    {
                        latents[q].Add(new AgentLatents(agent.Name, turns[a][q], [], []));
                    }
                }
            }
        }
        return Enumerable.Range(0, n).Select(q =>
            new MethodResult(batch[q].Index, traces[q][^1].Output, answers[q], traces[q], latents[q])).ToArray();
    }

    // --latent-only keeps the agent's last latent positions, --sequential-info-only all it added; both drop
    // everything older, so the next agent reads only its predecessor. Positions keep counting upwards.
    private void Prune(int[][] turn, int[] cells, int steps)
    {
        if (!Options.LatentOnly && !Options.SequentialInfoOnly)
        {
            return;
        }
        for (var q = 0; q < cells.Length; q++)
        {
            var keep = Options.LatentOnly ? steps : turn[q].Length + steps;
            var end = Context.NextPosition(q);
            Context.RemoveRange(q, 0, end - keep);
            cells[q] = keep;
        }
    }
}
