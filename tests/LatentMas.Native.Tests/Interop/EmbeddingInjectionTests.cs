using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Tests.Interop;

/// <summary>The property everything else stands on: an input embedding enters the model exactly like a token.</summary>
[TestFixture]
public sealed class EmbeddingInjectionTests
{
    [TestCase("tiny-qwen2")]
    [TestCase("tiny-llama")]
    [TestCase("tiny-qwen2-untied")]
    public void TokenIdAndItsEmbeddingRowGiveIdenticalHiddenStatesAndLogits(string recipe)
    {
        var path = GeneratedModels.Get(recipe);
        using var model = LlamaModel.Load(path);
        var prompt = model.Tokenize("The quick brown fox");
        var token = model.Tokenize(" jumps")[0];
        var row = new float[model.Info.EmbeddingSize];
        using (var file = GgufFile.Open(path))
        {
            file.ReadRows(EmbeddingStatistics.TokenEmbeddings, token, 1, row);
        }

        using var byId = LlamaContext.Create(model, ContextOptions.Exact(128));
        byId.DecodeTokens(0, prompt, DecodeOutputs.None);
        var viaToken = byId.DecodeTokens(0, [token]);

        using var byEmbedding = LlamaContext.Create(model, ContextOptions.Exact(128));
        byEmbedding.DecodeTokens(0, prompt, DecodeOutputs.None);
        var viaEmbedding = byEmbedding.DecodeEmbeddings(0, row);

        Assert.Multiple(() =>
        {
            Assert.That(Numerics.MaxAbsDifference(viaEmbedding.HiddenRow(0), viaToken.HiddenRow(0)), Is.EqualTo(0), "hidden states differ");
            Assert.That(Numerics.MaxAbsDifference(viaEmbedding.LogitsRow(0), viaToken.LogitsRow(0)), Is.EqualTo(0), "logits differ");
            Assert.That(byEmbedding.NextPosition(0), Is.EqualTo(byId.NextPosition(0)));
        });
    }

    [Test]
    public void DifferentEmbeddingsGiveDifferentHiddenStates()
    {
        // Guards the test above against a path that ignores its input.
        using var model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        using var context = LlamaContext.Create(model, ContextOptions.Exact(64, sequences: 2));
        var a = new float[model.Info.EmbeddingSize];
        var b = new float[model.Info.EmbeddingSize];
        a[0] = 1;
        b[1] = 1;
        var ha = context.DecodeEmbeddings(0, a).HiddenRow(0).ToArray();
        var hb = context.DecodeEmbeddings(1, b).HiddenRow(0).ToArray();
        Assert.That(Numerics.RelativeError(ha, hb), Is.GreaterThan(1e-3));
    }
}
