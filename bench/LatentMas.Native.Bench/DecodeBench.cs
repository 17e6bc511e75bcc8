using System.Diagnostics;
using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Bench;

/// <summary>Latent steps against llama.cpp's own one-token decode, measured in alternating rounds on the same model.</summary>
internal static class DecodeBench
{
    public sealed record Overhead(double TokenDecodesPerSecond, double LatentStepsPerSecond, double Ratio,
                                  double RealignedStepsPerSecond, double RealignedRatio, double LatentStepMs, double TokenDecodeMs,
                                  double SampleMs, double PerStepCostRatio, int ContextLength);

    public sealed record BatchPoint(int Batch, double AggregateStepsPerSecond);

    private static int[] Prompt(LlamaModel model, int length)
    {
        var text = string.Concat(Enumerable.Repeat("A farmer has seventeen sheep and all but nine run away. ", 40));
        return model.Tokenize(text)[..length];
    }

    /// <summary>Rates of plain token decodes and of latent steps (identity and ridge), median over rounds.</summary>
    public static Overhead MeasureOverhead(LlamaModel model, RidgeAlignment identity, RidgeAlignment ridge, int promptLength, int stepsPerRound,
                                           int rounds, int threads)
    {
        var options = new ContextOptions { ContextSize = promptLength + stepsPerRound + 64, Threads = threads };
        using var plain = LlamaContext.Create(model, options);
        using var latent = LlamaContext.Create(model, options);
        using var realigned = LlamaContext.Create(model, options);
        using var sampler = new TokenSampler(SamplerOptions.Greedy);
        var prompt = Prompt(model, promptLength);
        var lastLogits = plain.DecodeTokens(0, prompt, DecodeOutputs.Logits).LogitsRow(0).ToArray();
        var h1 = latent.DecodeTokens(0, prompt, DecodeOutputs.Hidden).HiddenRow(0).ToArray();
        var h2 = realigned.DecodeTokens(0, prompt, DecodeOutputs.Hidden).HiddenRow(0).ToArray();
        var width = model.Info.EmbeddingSize;
        var e = new float[width];

        var tokenRates = new List<double>();
        var latentRates = new List<double>();
        var ridgeRates = new List<double>();
        var sampleMs = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            for (var s = 0; s < stepsPerRound; s++)
            {
                lastLogits = plain.DecodeTokens(0, [prompt[s % prompt.Length]], DecodeOutputs.Logits).LogitsRow(0).ToArray();
            }
            tokenRates.Add(stepsPerRound / clock.Elapsed.TotalSeconds);

            clock.Restart();
            for (var s = 0; s < stepsPerRound; s++)
            {
                identity.Apply(h1, e);
                h1 = latent.DecodeEmbeddings(0, e, DecodeOutputs.Hidden).HiddenRow(0).ToArray();
            }
            latentRates.Add(stepsPerRound / clock.Elapsed.TotalSeconds);

            clock.Restart();
            for (var s = 0; s < stepsPerRound; s++)
            {
                ridge.Apply(h2, e);
                h2 = realigned.DecodeEmbeddings(0, e, DecodeOutputs.Hidden).HiddenRow(0).ToArray();
            }
            ridgeRates.Add(stepsPerRound / clock.Elapsed.TotalSeconds);

            clock.Restart();
            for (var s = 0; s < stepsPerRound; s++)
            {
                sampler.Sample(lastLogits);
            }
            sampleMs.Add(clock.Elapsed.TotalMilliseconds / stepsPerRound);

            // Back to the same context length for the next round.
            plain.RemoveRange(0, promptLength);
            latent.RemoveRange(0, promptLength);
            realigned.RemoveRange(0, promptLength);
        }
        var token = Median(tokenRates);
        var lat = Median(latentRates);
        var rid = Median(ridgeRates);
        var sample = Median(sampleMs);
        var tokenMs = 1000 / token;
        return new Overhead(token, lat, lat / token, rid, rid / token, 1000 / lat, tokenMs, sample, 1000 / lat / (tokenMs + sample),
            promptLength);
    }

    /// <summary>Aggregate latent steps per second with B questions stepping together.</summary>
    public static List<BatchPoint> MeasureBatching(LlamaModel model, RidgeAlignment alignment, int[] batches, int promptLength, int steps, int threads)
    {
        var width = model.Info.EmbeddingSize;
        var prompt = Prompt(model, promptLength);
        var points = new List<BatchPoint>();
        foreach (var b in batches)
        {
            using var context = LlamaContext.Create(model, new ContextOptions
            {
                ContextSize = b * (promptLength + steps + 16), Sequences = b, Threads = threads, BatchSize = Math.Max(512, b),
            });
            var sequences = Enumerable.Range(0, b).ToArray();
            var output = context.DecodeTokens(sequences, sequences.Select(_ => prompt).ToArray(), DecodeOutputs.Hidden);
            var e = new float[b * width];
            var clock = Stopwatch.StartNew();
            for (var s = 0; s < steps; s++)
            {
                for (var q = 0; q < b; q++)
                {
                    alignment.Apply(output.HiddenRow(q), e.AsSpan(q * width, width));
                }
                output = context.DecodeStep(sequences, e);
            }
            points.Add(new BatchPoint(b, b * steps / clock.Elapsed.TotalSeconds));
        }
        return points;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
