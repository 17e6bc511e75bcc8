using System.Diagnostics;
using LatentMas.Native.Agents;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Methods;

/// <summary>The single-agent baseline: one prompt, one answer.</summary>
public sealed class BaselineMethod(LlamaModel model, MethodOptions options) : ContextMethod(model, options, feedsEmbeddings: false)
{
    /// <inheritdoc />
    public override string Name => "baseline";

    /// <inheritdoc />
    protected override IReadOnlyList<MethodResult> RunBatch(IReadOnlyList<MethodInput> batch, CancellationToken cancellationToken)
    {
        var n = batch.Count;
        var clock = Stopwatch.StartNew();
        var turns = batch.Select(i => EncodeTurn(PromptBook.ForBaseline(i.Question, i.AnswerFormat), startOfSequence: true, think: false)).ToArray();
        for (var q = 0; q < n; q++)
        {
            CheckBudget(batch[q], turns[q].Length + Options.MaxNewTokens, $"{turns[q].Length} prompt tokens, {Options.MaxNewTokens} new tokens");
        }
        using var samplerSet = CreateSamplers(batch);
        var samplers = samplerSet.Samplers;
        var output = Context.DecodeTokens(Enumerable.Range(0, n).ToArray(), turns, DecodeOutputs.Logits, cancellationToken);
        var written = Generate(output, samplers, n, cancellationToken);
        return Enumerable.Range(0, n).Select(q =>
        {
            var text = TextOf(written[q]);
            var trace = new AgentTrace("solver", AgentRole.Judger, turns[q].Length, 0, 0, turns[q].Length + Math.Max(0, written[q].Count - 1),
                written[q].Count, text, clock.Elapsed.TotalMilliseconds);
            return new MethodResult(batch[q].Index, text, written[q], [trace], []);
        }).ToArray();
    }
}
