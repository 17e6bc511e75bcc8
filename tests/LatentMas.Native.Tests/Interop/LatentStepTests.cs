using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Tests.Interop;

/// <summary>Latent steps: the last hidden state fed back as the next input embedding.</summary>
[TestFixture]
public sealed class LatentStepTests
{
    // F32 KV cache and no flash attention: llama.cpp agrees with an exact float64 forward to about 3e-7.
    private const double ParityTolerance = 1e-5;

    [Test]
    public void EachLatentStepExtendsTheSequenceByExactlyOnePosition()
    {
        using var model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        using var context = LlamaContext.Create(model, ContextOptions.Exact(128));
        var prompt = model.Tokenize("Count the apples.");
        var output = context.DecodeTokens(0, prompt, DecodeOutputs.Hidden);
        Assert.That(context.NextPosition(0), Is.EqualTo(prompt.Length));
        for (var step = 1; step <= 5; step++)
        {
            output = context.DecodeEmbeddings(0, output.HiddenRow(0).ToArray(), DecodeOutputs.Hidden);
            Assert.That(context.NextPosition(0), Is.EqualTo(prompt.Length + step), $"after step {step}");
        }
    }

    [TestCase("tiny-qwen2", 1)]
    [TestCase("tiny-qwen2", 6)]
    [TestCase("tiny-llama", 6)]
    public void HiddenStateAfterLatentStepsEqualsReplayingAllEmbeddingsInOneBatch(string recipe, int steps)
    {
        var path = GeneratedModels.Get(recipe);
        using var model = LlamaModel.Load(path);
        var width = model.Info.EmbeddingSize;
        var prompt = model.Tokenize("A train leaves at noon and travels 60 km per hour.");
        double targetNorm;
        var promptEmbeddings = new float[prompt.Length * width];
        using (var file = GgufFile.Open(path))
        {
            targetNorm = EmbeddingStatistics.MeanRowNorm(file);
            for (var i = 0; i < prompt.Length; i++)
            {
                file.ReadRows(EmbeddingStatistics.TokenEmbeddings, prompt[i], 1, promptEmbeddings.AsSpan(i * width, width));
            }
        }

        // Incremental: prompt, then one decode per latent step.
        var fed = new List<float[]>();
        float[] incremental;
        using (var context = LlamaContext.Create(model, ContextOptions.Exact(256)))
        {
            var output = context.DecodeTokens(0, prompt, DecodeOutputs.Hidden);
            for (var s = 0; s < steps; s++)
            {
                var e = output.HiddenRow(0).ToArray();
                EmbeddingStatistics.RescaleTo(e, targetNorm);
                fed.Add(e);
                output = context.DecodeEmbeddings(0, e, DecodeOutputs.Hidden);
            }
            incremental = output.HiddenRow(0).ToArray();
        }

        // Replay: prompt embeddings and every latent embedding in one batch, in a fresh context.
        var all = promptEmbeddings.Concat(fed.SelectMany(e => e)).ToArray();
        using var replayContext = LlamaContext.Create(model, ContextOptions.Exact(256));
        var replay = replayContext.DecodeEmbeddings(0, all, DecodeOutputs.Hidden).HiddenRow(0).ToArray();

        Assert.That(replayContext.NextPosition(0), Is.EqualTo(prompt.Length + steps));
        Assert.That(Numerics.RelativeError(incremental, replay), Is.LessThan(ParityTolerance));
    }

    [Test]
    public void BatchedStepOverSequencesMatchesStepsOneSequenceAtATime()
    {
        using var model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        var width = model.Info.EmbeddingSize;
        string[] questions = ["What is 2 + 2?", "Name a prime number larger than ten.", "Why is the sky blue?"];
        var prompts = questions.Select(q => model.Tokenize(q)).ToArray();

        // One sequence per context, stepped alone.
        var alone = new List<float[]>();
        foreach (var prompt in prompts)
        {
            using var context = LlamaContext.Create(model, ContextOptions.Exact(128));
            var h = context.DecodeTokens(0, prompt, DecodeOutputs.Hidden).HiddenRow(0).ToArray();
            for (var s = 0; s < 3; s++)
            {
                h = context.DecodeEmbeddings(0, h, DecodeOutputs.Hidden).HiddenRow(0).ToArray();
            }
            alone.Add(h);
        }

        // All sequences in one context; each latent step is one decode of three embeddings.
        using var batched = LlamaContext.Create(model, ContextOptions.Exact(384, sequences: 3));
        var states = new float[3 * width];
        for (var q = 0; q < 3; q++)
        {
            batched.DecodeTokens(q, prompts[q], DecodeOutputs.Hidden).HiddenRow(0).CopyTo(states.AsSpan(q * width));
        }
        for (var s = 0; s < 3; s++)
        {
            var output = batched.DecodeStep([0, 1, 2], states);
            output.Hidden!.CopyTo(states, 0);
        }
        for (var q = 0; q < 3; q++)
        {
            Assert.That(batched.NextPosition(q), Is.EqualTo(prompts[q].Length + 3));
            Assert.That(Numerics.RelativeError(states.AsSpan(q * width, width), alone[q]), Is.LessThan(ParityTolerance), $"sequence {q}");
        }
    }
}
