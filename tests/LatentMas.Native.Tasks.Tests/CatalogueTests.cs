namespace LatentMas.Native.Tasks.Tests;

/// <summary>The task catalogue.</summary>
public sealed class CatalogueTests
{
    [Test]
    public void DescribeListsEveryTaskWithSourceAndAnswerType()
    {
        var rows = TaskCatalogue.Describe();
        Assert.That(rows.Select(r => r.Name), Is.EqualTo(new[]
        {
            "gsm8k", "aime2024", "aime2025", "gpqa", "arc_easy", "arc_challenge", "winogrande", "mbppplus", "humanevalplus", "medqa", "custom",
        }));
        var byName = rows.ToDictionary(r => r.Name);
        Assert.That(byName["gsm8k"].Source, Is.EqualTo("openai/gsm8k (main, test)"));
        Assert.That(byName["arc_challenge"].Source, Is.EqualTo("allenai/ai2_arc (ARC-Challenge, test)"));
        Assert.That(byName["gpqa"].Source, Does.StartWith("fingertap/GPQA-Diamond"));
        Assert.That(byName["aime2025"].Source, Does.StartWith("yentinglin/aime_2025"));
        Assert.That(byName["aime2024"].AnswerType, Is.EqualTo(AnswerType.Integer));
        Assert.That(byName["mbppplus"].AnswerType, Is.EqualTo(AnswerType.Code));
        Assert.That(byName["medqa"].Source, Does.StartWith("local"));
        Assert.That(TaskCatalogue.DescribeText().Split('\n'), Has.Length.EqualTo(rows.Count + 1));
    }

    [Test]
    public void NamesAreCaseInsensitiveAndCommonSpellingsWork()
    {
        Assert.That(TaskCatalogue.Get("GSM8K").Name, Is.EqualTo("gsm8k"));
        Assert.That(TaskCatalogue.Get("gpqa_diamond").Name, Is.EqualTo("gpqa"));
        Assert.That(TaskCatalogue.Get("humaneval+").Name, Is.EqualTo("humanevalplus"));
        Assert.That(TaskCatalogue.Get("custom", AnswerType.Number).AnswerType, Is.EqualTo(AnswerType.Number));
        var e = Assert.Throws<UnknownTaskException>(() => TaskCatalogue.Get("mmlu"));
        Assert.That(e!.Message, Does.Contain("gsm8k").And.Contain("custom"));
    }

    [TestCase("number", AnswerType.Number)]
    [TestCase("Choice", AnswerType.Choice)]
    [TestCase("text", AnswerType.Text)]
    public void ParsesAnswerTypes(string word, AnswerType expected) => Assert.That(TaskCatalogue.ParseAnswerType(word), Is.EqualTo(expected));

    [Test]
    public void UnknownAnswerTypeIsRejected() => Assert.Throws<ArgumentException>(() => TaskCatalogue.ParseAnswerType("code"));
}
