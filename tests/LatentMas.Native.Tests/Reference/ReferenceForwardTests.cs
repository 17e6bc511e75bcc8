using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;
using LatentMas.Native.Methods;

namespace LatentMas.Native.Tests.Reference;

/// <summary>
/// A whole 4-agent LatentMAS run checked against an independent float64 forward pass: every latent step's
/// hidden state and every token the judger writes.
/// </summary>
[TestFixture]
public sealed class ReferenceForwardTests
{
    // llama.cpp with an F32 KV cache and flash attention off agrees with a float64 forward to about 3e-7.
    private const double Tolerance = 1e-5;

    [TestCase("tiny-qwen2", false)]
    [TestCase("tiny-llama", true)]
    [TestCase("tiny-qwen2-untied", true)]
    public void LatentMasRunMatchesTheReferenceForward(string recipe, bool realign)
    {
        var path = GeneratedModels.Get(recipe);
        using var model = LlamaModel.Load(path);
        RidgeAlignment alignment;
        using (var file = GgufFile.Open(path))
        {
            alignment = realign ? RidgeAlignment.Compute(file, 1e-5) : RidgeAlignment.Identity(file);
        }
        var options = new MethodOptions
        {
            LatentSteps = 4, MaxNewTokens = 6, Temperature = 0, ContextSize = 512, RecordLatents = true,
            CacheType = KvCacheType.F32, FlashAttention = FlashAttention.Off,
        };
        MethodResult result;
        using (var method = new LatentMasMethod(model, alignment, options))
        {
            result = method.Run([new MethodInput(0, "If 3 pens cost 6 dollars, what do 5 pens cost?", "Put the number in \\boxed{}.")])[0];
        }

        var reference = new ReferenceTransformer(path);
        var width = model.Info.EmbeddingSize;
        double worst = 0;
        double[] hidden = [];
        foreach (var agent in result.Latents)
        {
            foreach (var token in agent.PromptTokenIds)
            {
                hidden = reference.Token(token);
            }
            for (var s = 0; s < agent.Latents.Count; s++)
            {
                var e = new float[width];
                alignment.Apply(hidden.Select(v => (float)v).ToArray(), e);
                hidden = reference.Embedding(e);
                var engine = agent.HiddenStates[s];
                worst = Math.Max(worst, Numerics.RelativeError(hidden.Select(v => (float)v).ToArray(), engine));
            }
        }
        Assert.That(result.Latents.Take(3).Sum(a => a.HiddenStates.Count), Is.EqualTo(12), "3 agents x 4 steps compared");
        Assert.That(worst, Is.LessThan(Tolerance), "hidden states after latent steps");

        // The judger: greedy tokens from the reference's logits.
        var tokens = new List<int>();
        for (var i = 0; i < result.OutputTokens.Count; i++)
        {
            var next = ArgMax(reference.Logits(hidden));
            tokens.Add(next);
            hidden = reference.Token(next);
        }
        Assert.That(tokens, Is.EqualTo(result.OutputTokens));
        Assert.That(result.OutputTokens, Is.Not.Empty);
    }

    private static int ArgMax(double[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
