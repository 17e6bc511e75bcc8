using System.Text.Json.Nodes;
using LatentMas.Native.Tasks.Data;
using LatentMas.Native.Tasks.Definitions;

namespace LatentMas.Native.Tasks.Tests;

/// <summary>Every task's loader on fixtures in the benchmark's own column layout.</summary>
public sealed class LoaderTests
{
    private static IReadOnlyList<TaskItem> Load(string task, string file, AnswerType? custom = null, TaskOptions? options = null) =>
        TaskDataLoader.Load(TaskCatalogue.Get(task, custom), file.Contains('/') ? file : FixtureFiles.Get(file), options);

    [Test]
    public void Gsm8k_GoldIsTheNumberAfterHashes()
    {
        var items = Load("gsm8k", "gsm8k.jsonl");
        Assert.That(items.Select(i => i.Gold), Is.EqualTo(new[] { "72", "10", "3750" }));
        Assert.That(items[0].Question, Does.StartWith("Natalia sold clips"));
        Assert.That(items.Select(i => i.Index), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(items[1].Id, Is.EqualTo("1"), "no id column: the index is the id");
    }

    [Test]
    public void Aime2024_AnswersAreCanonicalIntegers()
    {
        var items = Load("aime2024", "aime2024.jsonl");
        Assert.That(items.Select(i => i.Gold), Is.EqualTo(new[] { "204", "113", "33" }));
        Assert.That(items[0].Id, Is.EqualTo("60"));
        Assert.That(items[0].Question, Does.Contain("coffee shop"));
    }

    [Test]
    public void Aime2025_AcceptsIntegerAnswerColumn()
    {
        var items = Load("aime2025", "aime2025.jsonl");
        Assert.That(items.Select(i => i.Gold), Is.EqualTo(new[] { "70", "117" }));
        Assert.That(items[1].Id, Is.EqualTo("1"));
    }

    [Test]
    public void Gpqa_FingertapLayout_OptionsParsedAndShuffledBySeed()
    {
        var items = Load("gpqa", "gpqa.jsonl");
        Assert.That(items, Has.Count.EqualTo(3));
        foreach (var item in items)
        {
            Assert.That(item.Choices, Has.Count.EqualTo(4));
            Assert.That(item.Question, Does.Contain("\nA) ").And.Contain("\nD) "));
        }
        // The correct option's text follows the shuffle.
        Assert.That(items[0].Choices[items[0].Gold[0] - 'A'], Is.EqualTo("10^-4 eV"));
        Assert.That(items[1].Choices[items[1].Gold[0] - 'A'], Is.EqualTo("HI"));
        Assert.That(items[2].Choices[items[2].Gold[0] - 'A'], Is.EqualTo("16"));
        Assert.That(items[1].SourceText, Is.EqualTo("Which of the following is the strongest acid in water?"));
    }

    [Test]
    public void Gpqa_ShuffleIsDeterministicPerSeed_AndCanBeTurnedOff()
    {
        var a = Load("gpqa", "gpqa.jsonl", options: new TaskOptions { Seed = 7 });
        var b = Load("gpqa", "gpqa.jsonl", options: new TaskOptions { Seed = 7 });
        Assert.That(a.Select(i => i.Question), Is.EqualTo(b.Select(i => i.Question)));

        var seeds = Enumerable.Range(0, 12).Select(s => Load("gpqa", "gpqa.jsonl", options: new TaskOptions { Seed = s })[1].Gold).Distinct().Count();
        Assert.That(seeds, Is.GreaterThan(1), "different seeds give different orders");

        var unshuffled = Load("gpqa", "gpqa.jsonl", options: new TaskOptions { ShuffleChoices = false });
        Assert.That(unshuffled.Select(i => i.Gold), Is.EqualTo(new[] { "A", "C", "D" }));
        Assert.That(unshuffled[1].Choices, Is.EqualTo(new[] { "HF", "HCl", "HI", "HBr" }));
    }

    [Test]
    public void Gpqa_OriginalLayout_CorrectAnswerNotAlwaysFirst()
    {
        var items = Load("gpqa", "gpqa_original.json");
        Assert.That(items[0].Id, Is.EqualTo("rec06pnAkLOr2t2mp"));
        Assert.That(items[0].Choices[items[0].Gold[0] - 'A'], Is.EqualTo("HI"));
        Assert.That(items[1].Choices[items[1].Gold[0] - 'A'], Is.EqualTo("1"));
        var golds = Enumerable.Range(0, 8).Select(s => Load("gpqa", "gpqa_original.json", options: new TaskOptions { Seed = s })[0].Gold).Distinct();
        Assert.That(golds.Count(), Is.GreaterThan(1));
    }

    [Test]
    public void ArcEasy_FromParquetWrittenByParquetNet()
    {
        var items = Load("arc_easy", FixtureFiles.ArcEasyParquet);
        Assert.That(items, Has.Count.EqualTo(3));
        Assert.That(items[0].Id, Is.EqualTo("Mercury_7220990"));
        Assert.That(items[0].Gold, Is.EqualTo("B"));
        Assert.That(items[0].Choices[1], Is.EqualTo("a bacterial population in the bloodstream"));
        Assert.That(items[2].Gold, Is.EqualTo("A"), "numeric labels 1-5 map to A-E by position");
        Assert.That(items[2].ChoiceLetters, Is.EqualTo("ABCDE"));
        Assert.That(items[2].Question, Does.EndWith("E) hand lens"));
    }

    [Test]
    public void ArcChallenge_NumericLabelsAndThreeOptions()
    {
        var items = Load("arc_challenge", "arc_challenge.jsonl");
        Assert.That(items.Select(i => i.Gold), Is.EqualTo(new[] { "C", "D", "A" }));
        Assert.That(items[2].ChoiceLetters, Is.EqualTo("ABC"));
    }

    [Test]
    public void Arc_OriginalNestedQuestionLayout()
    {
        var row = JsonNode.Parse("""{"id":"x1","question":{"stem":"What is H2O?","choices":[{"text":"water","label":"A"},{"text":"salt","label":"B"}]},"answerKey":"A"}""")!.AsObject();
        var item = ArcTask.Easy.BuildItem(row, 0, TaskOptions.Default);
        Assert.That(item.Question, Is.EqualTo("What is H2O?\n\nA) water\nB) salt"));
        Assert.That(item.Gold, Is.EqualTo("A"));
    }

    [Test]
    public void Winogrande_FromJsonObjectWithDataArray()
    {
        var items = Load("winogrande", "winogrande.json");
        Assert.That(items.Select(i => i.Gold), Is.EqualTo(new[] { "A", "A", "B" }));
        Assert.That(items[0].Choices, Is.EqualTo(new[] { "Sarah", "Maria" }));
        Assert.That(items[0].Question, Does.Contain("_ always got the harder cases").And.Contain("A) Sarah").And.Contain("B) Maria"));
    }

    [Test]
    public void Winogrande_UnlabelledRowIsAClearError()
    {
        var row = JsonNode.Parse("""{"sentence":"x _ y","option1":"a","option2":"b","answer":""}""")!.AsObject();
        var e = Assert.Throws<DataFormatException>(() => new WinograndeTask().BuildItem(row, 4, TaskOptions.Default));
        Assert.That(e!.Message, Does.Contain("row 4").And.Contain("validation"));
    }

    [Test]
    public void MbppPlus_TestsImportsAndExamples()
    {
        var items = Load("mbppplus", "mbppplus.jsonl");
        Assert.That(items[0].Id, Is.EqualTo("2"));
        Assert.That(items[0].Question, Does.StartWith("Write a function to find the shared elements")
                                           .And.Contain("assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))"));
        Assert.That(items[0].Test!.EntryPoint, Is.EqualTo("similar_elements"));
        Assert.That(items[0].Test!.TestCode, Does.Contain("for i, (inp, exp) in enumerate(zip(inputs, results))"));
        Assert.That(items[1].Test!.Setup, Is.EqualTo("import math"));
        Assert.That(items[1].Test!.EntryPoint, Is.EqualTo("is_not_prime"));
        Assert.That(items[0].Gold, Is.EqualTo(CodeTask.PassGold));
    }

    [Test]
    public void HumanEvalPlus_CheckCallAndPromptImports()
    {
        var items = Load("humanevalplus", "humanevalplus.jsonl");
        Assert.That(items[0].Id, Is.EqualTo("HumanEval/0"));
        Assert.That(items[0].Test!.TestCode, Does.EndWith("check(has_close_elements)\n"));
        Assert.That(items[0].Test!.Setup, Is.EqualTo("from typing import List"));
        Assert.That(items[0].Question, Does.Contain("```python\nfrom typing import List"));
        Assert.That(items[1].Test!.EntryPoint, Is.EqualTo("truncate_number"));
    }

    [Test]
    public void MedQa_OptionsMapListAndAnswerText()
    {
        var items = Load("medqa", "medqa.json");
        Assert.That(items.Select(i => i.Gold), Is.EqualTo(new[] { "E", "A", "C" }));
        Assert.That(items[0].Question, Does.EndWith("E) Nitrofurantoin"));
        Assert.That(items[2].Choices, Is.EqualTo(new[] { "Vitamin A", "Vitamin B12", "Vitamin C", "Vitamin D" }));
        Assert.That(items[2].Question, Does.Not.Contain("A) Vitamin A"), "options already in the query are not repeated");
    }

    [Test]
    public void Custom_EachAnswerType()
    {
        var numbers = Load("custom", "custom_number.jsonl", AnswerType.Number);
        Assert.That(numbers.Select(i => i.Gold), Is.EqualTo(new[] { "42", "15" }));
        Assert.That(numbers[0].Id, Is.EqualTo("q1"));

        var choices = Load("custom", "custom_choice.jsonl", AnswerType.Choice);
        Assert.That(choices.Select(i => i.Gold), Is.EqualTo(new[] { "B", "B" }));
        Assert.That(choices[0].Question, Does.Contain("B) Mars"));
        Assert.That(choices[1].Choices, Is.EqualTo(new[] { "Ag", "Au", "Gd" }));

        var texts = Load("custom", "custom_text.jsonl", AnswerType.Text);
        Assert.That(texts.Select(i => i.Gold), Is.EqualTo(new[] { "Paris", "Jane Austen" }));
    }

    [Test]
    public void EveryBuiltinTaskLoadsItsFixture()
    {
        var files = new Dictionary<string, string>
        {
            ["gsm8k"] = "gsm8k.jsonl", ["aime2024"] = "aime2024.jsonl", ["aime2025"] = "aime2025.jsonl", ["gpqa"] = "gpqa.jsonl",
            ["arc_easy"] = FixtureFiles.ArcEasyParquet, ["arc_challenge"] = "arc_challenge.jsonl", ["winogrande"] = "winogrande.json",
            ["mbppplus"] = "mbppplus.jsonl", ["humanevalplus"] = "humanevalplus.jsonl", ["medqa"] = "medqa.json",
        };
        Assert.That(files.Keys, Is.EquivalentTo(TaskCatalogue.All.Select(t => t.Name)));
        foreach (var (task, file) in files)
            Assert.That(Load(task, file), Is.Not.Empty, task);
    }

    [Test]
    public void JsonLinesJsonArrayAndParquetGiveTheSameRows()
    {
        var folder = FixtureFiles.NewScratchFolder();
        var jsonl = FixtureFiles.Get("gsm8k.jsonl");
        var array = Path.Combine(folder, "gsm8k.json");
        File.WriteAllText(array, "[" + string.Join(",", File.ReadAllLines(jsonl).Where(l => l.Length > 0)) + "]");
        var parquet = Path.Combine(folder, "gsm8k.parquet");
        var rows = File.ReadAllLines(jsonl).Where(l => l.Length > 0)
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .Select(o => new Gsm8kRow { question = o["question"]!.GetValue<string>(), answer = o["answer"]!.GetValue<string>() })
            .ToList();
        // One row per row group: every row group must be read.
        Parquet.Serialization.ParquetSerializer.SerializeAsync(rows, parquet, new Parquet.ParquetOptions { RowGroupSize = 1 }).GetAwaiter().GetResult();

        var task = TaskCatalogue.Get("gsm8k");
        var fromJsonl = TaskDataLoader.Load(task, jsonl);
        Assert.That(TaskDataLoader.Load(task, array), Is.EqualTo(fromJsonl));
        Assert.That(TaskDataLoader.Load(task, parquet), Is.EqualTo(fromJsonl));

        // A folder of shards is read in name order.
        var shards = FixtureFiles.NewScratchFolder();
        File.Copy(parquet, Path.Combine(shards, "0000.parquet"));
        File.Copy(parquet, Path.Combine(shards, "0001.parquet"));
        Assert.That(TaskDataLoader.Load(task, shards), Has.Count.EqualTo(2 * fromJsonl.Count));
    }

    [Test]
    public void MissingColumnNamesTheColumnAndTheRow()
    {
        var folder = FixtureFiles.NewScratchFolder();
        var file = Path.Combine(folder, "bad.jsonl");
        File.WriteAllText(file, "{\"question\": \"q\", \"answer\": \"#### 1\"}\n{\"prompt\": \"no question\"}\n");
        var e = Assert.Throws<DataFormatException>(() => TaskDataLoader.Load(TaskCatalogue.Get("gsm8k"), file));
        Assert.That(e!.Message, Does.Contain("row 1").And.Contain("'question'").And.Contain("prompt"));
    }

    [Test]
    public void BadJsonLineIsReportedWithItsLineNumber()
    {
        var folder = FixtureFiles.NewScratchFolder();
        var file = Path.Combine(folder, "broken.jsonl");
        File.WriteAllText(file, "{\"question\": \"q\", \"answer\": \"#### 1\"}\n\n{not json\n");
        var e = Assert.Throws<DataFormatException>(() => TaskDataLoader.ReadRows(file));
        Assert.That(e!.Message, Does.Contain("line 3"));
        Assert.Throws<DataFormatException>(() => TaskDataLoader.ReadRows(Path.Combine(folder, "absent.jsonl")));
    }

#pragma warning disable IDE1006 // column names as in the dataset
    private sealed class Gsm8kRow
    {
        public string? question { get; set; }
        public string? answer { get; set; }
    }
#pragma warning restore IDE1006
}
