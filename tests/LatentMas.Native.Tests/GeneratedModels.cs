using LatentMas.Native.Llama;
using LatentMas.Native.Models;

namespace LatentMas.Native.Tests;

/// <summary>
/// Generates the test models once per run (real vocabularies, random weights) in a temporary folder,
/// and initialises the native runtime with llama.cpp's log kept quiet.
/// </summary>
[SetUpFixture]
public sealed class GeneratedModels
{
    private static string? _dir;
    private static readonly Dictionary<string, string> Paths = new();
    private static readonly Lock Gate = new();

    /// <summary>Folder of this run's generated files.</summary>
    public static string Directory => _dir ?? throw new InvalidOperationException("The set-up fixture has not run.");

    [OneTimeSetUp]
    public void CreateFolder()
    {
        _dir = Path.Combine(Path.GetTempPath(), "latentmas-tests-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(_dir);
        NativeRuntime.Initialize(new NativeRuntimeOptions { Log = (_, _) => { } });
    }

    [OneTimeTearDown]
    public void DeleteFolder()
    {
        if (_dir is not null && System.IO.Directory.Exists(_dir))
        {
            System.IO.Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>Path of the model of a recipe, generated on first use.</summary>
    public static string Get(string recipe)
    {
        lock (Gate)
        {
            if (!Paths.TryGetValue(recipe, out var path))
            {
                path = System.IO.Path.Combine(Directory, recipe + ".gguf");
                ModelFactory.Create(RecipeCatalogue.Get(recipe), path);
                Paths[recipe] = path;
            }
            return path;
        }
    }

    /// <summary>Path of a quantized copy of a recipe's model, made on first use.</summary>
    public static string GetQuantized(string recipe, QuantizationType type)
    {
        var source = Get(recipe);
        lock (Gate)
        {
            var key = $"{recipe}-{type}";
            if (!Paths.TryGetValue(key, out var path))
            {
                path = System.IO.Path.Combine(Directory, key + ".gguf");
                ModelQuantizer.Quantize(source, path, type, threads: 2);
                Paths[key] = path;
            }
            return path;
        }
    }
}
