using System.Diagnostics;
using LatentMas.Native.Agents;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Methods;

/// <summary>
/// TextMAS: the same agents, but each writes text, and every later agent reads the earlier agents' text in
/// its prompt (the most recent <see cref="MethodOptions.TextContextTokens"/> tokens of it). Each agent starts
/// from an empty cache; the final agent's text is the answer.
/// </summary>
public sealed class TextMasMethod(LlamaModel model, MethodOptions options) : ContextMethod(model, options, feedsEmbeddings: false)
{
    private readonly IReadOnlyList<Agent> _agents = AgentPipelines.For(options.Prompt);

    /// <inheritdoc />
    public override string Name => "text_mas";

    /// <inheritdoc />
    protected override IReadOnlyList<MethodResult> RunBatch(IReadOnlyList<MethodInput> batch, CancellationToken cancellationToken)
    {
        var n = batch.Count;
        var sequences = Enumerable.Range(0, n).ToArray();
        var notes = Enumerable.Range(0, n).Select(_ => new List<(Agent, string)>()).ToArray();
        var traces = Enumerable.Range(0, n).Select(_ => new List<AgentTrace>()).ToArray();
        using var samplerSet = CreateSamplers(batch);
        var samplers = samplerSet.Samplers;
        List<int>[] written = [];
        foreach (var agent in _agents)
        {
            var clock = Stopwatch.StartNew();
            Context.Clear();
            var think = Options.Think && !agent.WritesAnswer;
            var turns = batch.Select((input, q) =>
            {
                // Earlier agents' notes get what the context leaves after this agent's own prompt and answer.
                var bare = EncodeTurn(PromptBook.ForAgent(agent, input.Question, input.AnswerFormat), startOfSequence: true, think).Length;
                var budget = Math.Min(Options.TextContextTokens, Options.ContextSize - Options.MaxNewTokens - bare - 32);
                return EncodeTurn(PromptBook.ForAgent(agent, input.Question, input.AnswerFormat, Trim(notes[q], budget)), startOfSequence: true, think);
            }).ToArray();
            for (var q = 0; q < n; q++)
            {
                CheckBudget(batch[q], turns[q].Length + Options.MaxNewTokens, $"{turns[q].Length} prompt tokens of agent {agent.Name}, {Options.MaxNewTokens} new tokens");
            }
            var output = Context.DecodeTokens(sequences, turns, DecodeOutputs.Logits, cancellationToken);
            written = Generate(output, samplers, n, cancellationToken);
            for (var q = 0; q < n; q++)
            {
                var text = TextOf(written[q]);
                notes[q].Add((agent, text));
                traces[q].Add(new AgentTrace(agent.Name, agent.Role, turns[q].Length, 0, 0,
                    turns[q].Length + Math.Max(0, written[q].Count - 1), written[q].Count, text, clock.Elapsed.TotalMilliseconds));
            }
        }
        return Enumerable.Range(0, n).Select(q => new MethodResult(batch[q].Index, traces[q][^1].Output, written[q], traces[q], [])).ToArray();
    }

    // Keeps the most recent notes within the token budget; an oldest note that does not fit whole is cut at its start.
    private List<(Agent Agent, string Text)> Trim(List<(Agent Agent, string Text)> notes, int budget)
    {
        var kept = new List<(Agent, string)>();
        for (var i = notes.Count - 1; i >= 0 && budget > 0; i--)
        {
            var tokens = Model.Tokenize(notes[i].Text, parseSpecial: false);
            if (tokens.Length <= budget)
            {
                kept.Insert(0, notes[i]);
                budget -= tokens.Length;
            }
            else
            {
                kept.Insert(0, (notes[i].Agent, "..." + Model.Detokenize(tokens.AsSpan(tokens.Length - budget))));
                budget = 0;
            }
        }
        return kept;
    }
}
