using LatentMas.Native.Llama;

namespace LatentMas.Native.Engine;

/// <summary>
/// Writes text for several sequences at once: each step samples one token per unfinished sequence and
/// decodes them together in one native call. A sequence stops at an end-of-generation token or the budget.
/// </summary>
public static class TextGenerator
{
    /// <summary>Tokens written per sequence (end-of-generation tokens are not included).</summary>
    /// <param name="context">The context holding the sequences.</param>
    /// <param name="sequences">Sequence ids, one per question.</param>
    /// <param name="first">Output of the last decode: one logits row per sequence, in the same order.</param>
    /// <param name="samplers">One sampler per sequence.</param>
    /// <param name="maxNewTokens">Budget per sequence.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    public static List<int>[] Generate(LlamaContext context, IReadOnlyList<int> sequences, DecodeOutput first,
                                       IReadOnlyList<TokenSampler> samplers, int maxNewTokens, CancellationToken cancellationToken)
    {
        var n = sequences.Count;
        if (first.Rows != n || samplers.Count != n)
        {
            throw new ArgumentException("Give one logits row and one sampler per sequence.");
        }
        var written = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        var active = Enumerable.Range(0, n).ToList();
        var rowOf = Enumerable.Range(0, n).ToArray();  // row of each active sequence in the last output
        var output = first;
        while (active.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stillActive = new List<int>();
            var tokens = new List<int>();
            foreach (var q in active)
            {
                var token = samplers[q].Sample(output.LogitsRow(rowOf[q]));
                if (context.Model.IsEndOfGeneration(token))
                {
                    continue;
                }
                written[q].Add(token);
                if (written[q].Count < maxNewTokens)
                {
                    stillActive.Add(q);
                    tokens.Add(token);
                }
            }
            active = stillActive;
            if (active.Count == 0)
            {
                break;
            }
            var seqs = active.Select(q => sequences[q]).ToArray();
            output = context.DecodeStep(seqs, tokens.ToArray(), DecodeOutputs.Logits, cancellationToken);
            for (var r = 0; r < active.Count; r++)
            {
                rowOf[active[r]] = r;
            }
        }
        return written;
    }
}
