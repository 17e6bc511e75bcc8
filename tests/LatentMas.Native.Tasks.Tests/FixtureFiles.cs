using System.Text.Json.Serialization;
using Parquet.Serialization;

namespace LatentMas.Native.Tasks.Tests;

/// <summary>Paths of the checked-in fixtures, and the Parquet fixture written with Parquet.Net on first use.</summary>
internal static class FixtureFiles
{
    private static readonly Lazy<string> ArcEasy = new(WriteArcEasyParquet);
    private static readonly string Scratch = Directory.CreateTempSubdirectory("latentmas-tasks-tests-").FullName;

    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures");

    public static string Get(string name) => Path.Combine(Folder, name);

    /// <summary>ARC-Easy rows in the hub's layout (choices is a struct of two string lists), as Parquet.</summary>
    public static string ArcEasyParquet => ArcEasy.Value;

    /// <summary>A fresh folder for one test (removed with the others at the end of the run).</summary>
    public static string NewScratchFolder() => Directory.CreateDirectory(Path.Combine(Scratch, Guid.NewGuid().ToString("N"))).FullName;

    public static void DeleteScratch()
    {
        if (Directory.Exists(Scratch))
            Directory.Delete(Scratch, recursive: true);
    }

    public static IReadOnlyList<ArcRow> ArcEasyRows { get; } =
    [
        new()
        {
            Id = "Mercury_7220990", Question = "Which factor will most likely cause a person to develop a fever?",
            Choices = new ArcChoices { Text = ["a leg muscle relaxing after exercise", "a bacterial population in the bloodstream", "several viral particles on the skin", "carbohydrates being digested in the stomach"], Label = ["A", "B", "C", "D"] },
            AnswerKey = "B",
        },
        new()
        {
            Id = "MCAS_2007_8_5189", Question = "Lichens are symbiotic organisms made of green algae and fungi. What do the green algae supply to the fungi in this symbiotic relationship?",
            Choices = new ArcChoices { Text = ["carbon dioxide", "food", "protection", "water"], Label = ["A", "B", "C", "D"] },
            AnswerKey = "B",
        },
        new()
        {
            Id = "NYSEDREGENTS_2008_4_20", Question = "Which tool is used to measure the mass of a rock?",
            Choices = new ArcChoices { Text = ["balance", "thermometer", "ruler", "graduated cylinder", "hand lens"], Label = ["1", "2", "3", "4", "5"] },
            AnswerKey = "1",
        },
    ];

    private static string WriteArcEasyParquet()
    {
        var path = Path.Combine(Scratch, "arc_easy.parquet");
        ParquetSerializer.SerializeAsync(ArcEasyRows, path).GetAwaiter().GetResult();
        return path;
    }

    public sealed class ArcRow
    {
        [JsonPropertyName("id")] public string? Id { get; set; }
        [JsonPropertyName("question")] public string? Question { get; set; }
        [JsonPropertyName("choices")] public ArcChoices? Choices { get; set; }
        [JsonPropertyName("answerKey")] public string? AnswerKey { get; set; }
    }

    public sealed class ArcChoices
    {
        [JsonPropertyName("text")] public List<string>? Text { get; set; }
        [JsonPropertyName("label")] public List<string>? Label { get; set; }
    }
}

/// <summary>Removes the scratch folder after the whole run.</summary>
[SetUpFixture]
public sealed class TestRunCleanup
{
    /// <summary>Deletes what the tests wrote.</summary>
    [OneTimeTearDown]
    public void DeleteScratch() => FixtureFiles.DeleteScratch();
}
