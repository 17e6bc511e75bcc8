using System.Security.Cryptography;
using LatentMas.Native.Llama;
using LatentMas.Native.Models;

namespace LatentMas.Native.Tests.Models;

/// <summary>Generated models: shapes, vocabularies, determinism.</summary>
[TestFixture]
public sealed class ModelFactoryTests
{
    [TestCase("tiny-qwen2", "qwen2", 151936, true)]
    [TestCase("tiny-qwen2-untied", "qwen2", 151936, false)]
    [TestCase("tiny-llama", "llama", 128256, false)]
    public void GeneratedModelLoadsWithTheRecipesShape(string name, string architecture, int vocab, bool tied)
    {
        var recipe = RecipeCatalogue.Get(name);
        using var model = LlamaModel.Load(GeneratedModels.Get(name));
        var info = model.Info;
        Assert.Multiple(() =>
        {
            Assert.That(info.Architecture, Is.EqualTo(architecture));
            Assert.That(info.Layers, Is.EqualTo(recipe.Layers));
            Assert.That(info.EmbeddingSize, Is.EqualTo(recipe.Width));
            Assert.That(info.Heads, Is.EqualTo(recipe.Heads));
            Assert.That(info.KvHeads, Is.EqualTo(recipe.KvHeads));
            Assert.That(info.VocabSize, Is.EqualTo(vocab));
            Assert.That(info.TiedOutput, Is.EqualTo(tied));
            Assert.That(info.TrainingContext, Is.EqualTo(recipe.ContextLength));
            Assert.That(model.ChatTemplate, Is.Not.Null);
            Assert.That(model.GetMetadata("general.name"), Does.Contain("random weights"));
        });
    }

    [Test]
    public void SameRecipeGivesTheSameBytes()
    {
        var again = Path.Combine(GeneratedModels.Directory, "tiny-qwen2-again.gguf");
        ModelFactory.Create(RecipeCatalogue.Get("tiny-qwen2"), again);
        Assert.That(Hash(again), Is.EqualTo(Hash(GeneratedModels.Get("tiny-qwen2"))));
        var reseeded = Path.Combine(GeneratedModels.Directory, "tiny-qwen2-seed7.gguf");
        ModelFactory.Create(RecipeCatalogue.Get("tiny-qwen2") with { Seed = 7 }, reseeded);
        Assert.That(Hash(reseeded), Is.Not.EqualTo(Hash(again)));
    }

    [Test]
    public void GeneratorStreamDoesNotDependOnChunking()
    {
        var whole = new float[1000];
        new WeightGenerator(5, "t", 0.1f).Fill(whole);
        var parts = new float[1000];
        var g = new WeightGenerator(5, "t", 0.1f);
        g.Fill(parts.AsSpan(0, 333));
        g.Fill(parts.AsSpan(333));
        Assert.That(parts, Is.EqualTo(whole));
        var std = Math.Sqrt(whole.Select(v => (double)v * v).Average());
        Assert.That(std, Is.EqualTo(0.1).Within(0.01));
    }

    [Test]
    public void F16RecipeWritesHalfPrecisionMatrices()
    {
        var path = Path.Combine(GeneratedModels.Directory, "tiny-f16.gguf");
        ModelFactory.Create(RecipeCatalogue.Get("tiny-qwen2") with { Name = "tiny-f16", WeightType = "F16" }, path);
        using var file = GgufFile.Open(path);
        Assert.That(file.GetTensorInfo("blk.0.attn_q.weight").Type, Is.EqualTo((int)GgmlType.F16));
        Assert.That(file.GetTensorInfo("blk.0.attn_norm.weight").Type, Is.EqualTo((int)GgmlType.F32));
        using var model = LlamaModel.Load(path);
        using var context = LlamaContext.Create(model);
        Assert.That(context.DecodeTokens(0, model.Tokenize("hello")).HiddenRow(0).ToArray(), Has.None.NaN);
    }

    [Test]
    public void CataloguesAreComplete()
    {
        Assert.That(RecipeCatalogue.All.Select(r => r.Name), Is.Unique);
        Assert.That(RecipeCatalogue.All.Select(r => r.Name),
            Is.SupersetOf(new[] { "tiny-qwen2", "tiny-llama", "qwen2.5-0.5b-shape", "qwen2.5-1.5b-shape", "llama-3.2-1b-shape", "qwen3-14b-shape" }));
        Assert.That(ModelCatalogue.All, Is.Not.Empty);
        Assert.That(ModelCatalogue.All.Where(e => e.ShapeRecipe is not null).Select(e => e.ShapeRecipe).Distinct(),
            Is.SubsetOf(RecipeCatalogue.All.Select(r => r.Name)));
        Assert.Throws<ArgumentException>(() => RecipeCatalogue.Get("no-such-recipe"));
    }

    [Test]
    public void InvalidShapesAreRefused()
    {
        var bad = RecipeCatalogue.Get("tiny-qwen2") with { Heads = 3 };
        Assert.Throws<ArgumentException>(() => ModelFactory.Create(bad, Path.Combine(GeneratedModels.Directory, "bad.gguf")));
        Assert.That(File.Exists(Path.Combine(GeneratedModels.Directory, "bad.gguf")), Is.False);
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
