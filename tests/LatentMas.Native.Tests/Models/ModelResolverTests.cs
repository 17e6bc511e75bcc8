using LatentMas.Native.Methods;
using LatentMas.Native.Models;

namespace LatentMas.Native.Tests.Models;

/// <summary>--model resolution: paths, catalogue names, offline downloads.</summary>
[TestFixture]
public sealed class ModelResolverTests
{
    [Test]
    public void AnExistingPathIsUsedAsItIs()
    {
        var path = GeneratedModels.Get("tiny-qwen2");
        Assert.That(ModelResolver.Resolve(path, GeneratedModels.Directory), Is.EqualTo(Path.GetFullPath(path)));
    }

    [Test]
    public void UnknownNameListsTheCatalogue()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ModelResolver.Resolve("no-such-model", GeneratedModels.Directory));
        Assert.That(e!.Message, Does.Contain(ModelCatalogue.All[0].Name));
    }

    [Test]
    public void OfflineDownloadSaysSoAndLeavesNoPartialFile()
    {
        // Port 9 (discard) on the loopback address: the connection is refused at once, as offline.
        var entry = new CatalogueEntry("offline-test", "offline-test.gguf", "http://127.0.0.1:9/offline-test.gguf", null, null, null);
        var cache = Path.Combine(GeneratedModels.Directory, "download-cache");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var e = Assert.Throws<LatentMasException>(() => ModelResolver.Download(entry, cache, client: client));
        Assert.That(e!.Message, Does.Contain("offline").And.Contain("--model PATH"));
        Assert.That(Directory.GetFiles(cache), Is.Empty);
    }

    [Test]
    public void AlreadyCachedCatalogueModelNeedsNoNetwork()
    {
        var entry = ModelCatalogue.All[0];
        var cache = Path.Combine(GeneratedModels.Directory, "cached-models");
        Directory.CreateDirectory(cache);
        File.Copy(GeneratedModels.Get("tiny-qwen2"), Path.Combine(cache, entry.File), overwrite: true);
        Assert.That(ModelResolver.Resolve(entry.Name, cache), Is.EqualTo(Path.Combine(cache, entry.File)));
    }

    [Test]
    public void MultiDimensionalPositionArchitecturesAreRefusedForLatentMethods()
    {
        using var qwen = Llama.LlamaModel.Load(GeneratedModels.Get("tiny-qwen2"));
        using var llama = Llama.LlamaModel.Load(GeneratedModels.Get("tiny-llama"));
        Assert.That(qwen.Info.SupportsEmbeddingInput && llama.Info.SupportsEmbeddingInput, Is.True, "plain RoPE models take latent input");
        Assert.DoesNotThrow(() => ContextMethod.CheckLatentSupport(qwen.Info));
        var e = Assert.Throws<NotSupportedException>(() => ContextMethod.CheckLatentSupport(qwen.Info with { Architecture = "qwen2vl", SupportsEmbeddingInput = false }));
        Assert.That(e!.Message, Does.Contain("M-RoPE").And.Contain("qwen2vl"));
    }
}
