using LatentMas.Native.Llama;

namespace LatentMas.Native.Tests.Interop;

/// <summary>Tokenization through the binding reproduces llama.cpp's own test vectors.</summary>
[TestFixture]
public sealed class TokenizerTests
{
    private const string Separator = "\n__ggml_vocab_test__\n";

    [TestCase("tiny-qwen2", "qwen2")]
    [TestCase("tiny-llama", "llama-bpe")]
    public void TokenizationMatchesTheBundleVectors(string recipe, string vocabulary)
    {
        var dir = Path.Combine(TestContext.CurrentContext.TestDirectory, "vocab");
        var inputs = File.ReadAllText(Path.Combine(dir, $"ggml-vocab-{vocabulary}.gguf.inp")).Split(Separator);
        var outputs = File.ReadAllLines(Path.Combine(dir, $"ggml-vocab-{vocabulary}.gguf.out"));
        // The input file ends with a separator, leaving one empty piece.
        if (inputs.Length == outputs.Length + 1 && inputs[^1].Length == 0)
        {
            inputs = inputs[..^1];
        }
        Assert.That(inputs, Has.Length.EqualTo(outputs.Length));

        using var model = LlamaModel.Load(GeneratedModels.Get(recipe));
        Assert.Multiple(() =>
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var expected = outputs[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
                var actual = model.Tokenize(inputs[i], addSpecial: false, parseSpecial: false);
                Assert.That(actual, Is.EqualTo(expected), $"vector {i}: '{inputs[i]}'");
            }
        });
    }

    [Test]
    public void DetokenizeInvertsTokenize()
    {
        using var model = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        const string text = "Latent thoughts, 42 of them: naïve café 🦙";
        Assert.That(model.Detokenize(model.Tokenize(text, parseSpecial: false)), Is.EqualTo(text));
        var pieces = model.Tokenize(text).SelectMany(t => model.TokenPiece(t)).ToArray();
        Assert.That(System.Text.Encoding.UTF8.GetString(pieces), Is.EqualTo(text));
    }

    [Test]
    public void SpecialTokensAreKnown()
    {
        using var qwen = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        var imEnd = qwen.Tokenize("<|im_end|>");
        Assert.That(imEnd, Has.Length.EqualTo(1), "special-token text parses to one token");
        Assert.That(qwen.IsEndOfGeneration(imEnd[0]) || qwen.IsEndOfGeneration(qwen.EosToken), Is.True);
        using var llama = LlamaModel.Load(GeneratedModels.Get("tiny-llama"));
        Assert.That(llama.BosToken, Is.EqualTo(128000));
        Assert.That(llama.Tokenize("hi", addSpecial: true)[0], Is.EqualTo(128000), "llama adds BOS");
    }

    [Test]
    public void ChatTemplatesFormatMessagesInEachFamilysLayout()
    {
        using var qwen = LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        var q = qwen.ApplyChatTemplate([new ChatMessage("system", "You plan."), new ChatMessage("user", "2+2?")]);
        Assert.That(q, Does.Contain("<|im_start|>user\n2+2?<|im_end|>"));
        Assert.That(q, Does.EndWith("<|im_start|>assistant\n"));

        using var llama = LlamaModel.Load(GeneratedModels.Get("tiny-llama"));
        var l = llama.ApplyChatTemplate([new ChatMessage("user", "2+2?")]);
        Assert.That(l, Does.Contain("<|start_header_id|>user<|end_header_id|>\n\n2+2?<|eot_id|>"));
        Assert.That(l, Does.EndWith("<|start_header_id|>assistant<|end_header_id|>\n\n"));
    }
}
