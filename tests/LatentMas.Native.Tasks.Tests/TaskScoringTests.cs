using LatentMas.Native.Tasks.Data;
using LatentMas.Native.Tasks.Sandbox;
using LatentMas.Native.Tasks.Scoring;

namespace LatentMas.Native.Tasks.Tests;

/// <summary>Every task scores a known-correct and a known-wrong answer on its fixture's first item; prompts are built.</summary>
public sealed class TaskScoringTests
{
    public sealed record Case(string Task, string File, AnswerType? Custom, string Correct, string Wrong)
    {
        public override string ToString() => Custom is null ? Task : $"{Task}-{Custom}";
    }

    private static IEnumerable<Case> Cases()
    {
        yield return new("gsm8k", "gsm8k.jsonl", null, "48 + 24 = 72 clips.\n\\boxed{72}", "She sold \\boxed{96} clips.");
        yield return new("aime2024", "aime2024.jsonl", null, "So the walk takes \\boxed{204} minutes.", "\\boxed{204.5}");
        yield return new("aime2025", "aime2025.jsonl", null, "b = 21 or 49, sum \\boxed{70}", "The answer is 69.");
        yield return new("gpqa", "gpqa.jsonl", null, "{gold}", "{wrong}");
        yield return new("arc_easy", "arc_easy.parquet", null, "Bacteria cause infection.\n\\boxed{B}", "Answer: A");
        yield return new("arc_challenge", "arc_challenge.jsonl", null, "Faster rotation means shorter days: (C)", "The answer is (B).");
        yield return new("winogrande", "winogrande.json", null, "The better surgeon gets harder cases. \\boxed{A}", "\\boxed{B}");
        yield return new("medqa", "medqa.json", null, "Nitrofurantoin is safe in pregnancy. The answer is E.", "The answer is C.");
        yield return new("custom", "custom_number.jsonl", AnswerType.Number, "6 x 7 = \\boxed{42}", "\\boxed{43}");
        yield return new("custom", "custom_choice.jsonl", AnswerType.Choice, "Mars is red: \\boxed{B}", "\\boxed{A}");
        yield return new("custom", "custom_text.jsonl", AnswerType.Text, "The capital of France is \\boxed{Paris}.", "\\boxed{Lyon}");
        yield return new("mbppplus", "mbppplus.jsonl", null,
            "```python\ndef similar_elements(a, b):\n    return tuple(set(a) & set(b))\n```",
            "```python\ndef similar_elements(a, b):\n    return tuple(a)\n```");
        yield return new("humanevalplus", "humanevalplus.jsonl", null,
            "```python\nfrom typing import List\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for j, b in enumerate(numbers) if i != j)\n```",
            "```python\ndef has_close_elements(numbers, threshold):\n    return False\n```");
    }

    private static (TaskDefinition Task, TaskItem Item) First(Case c)
    {
        var task = TaskCatalogue.Get(c.Task, c.Custom);
        var path = c.File == "arc_easy.parquet" ? FixtureFiles.ArcEasyParquet : FixtureFiles.Get(c.File);
        return (task, TaskDataLoader.Load(task, path)[0]);
    }

    private static string Resolve(string output, TaskItem item) =>
        output.Replace("{gold}", $"The answer is \\boxed{{{item.Gold}}}", StringComparison.Ordinal)
              .Replace("{wrong}", $"\\boxed{{{(item.Gold == "A" ? "B" : "A")}}}", StringComparison.Ordinal);

    [TestCaseSource(nameof(Cases))]
    public async Task KnownCorrectAnswerScoresCorrect(Case c)
    {
        var (task, item) = First(c);
        var score = await task.ScoreAsync(item, Resolve(c.Correct, item));
        Assert.That(score.Correct, Is.True, $"{score.Prediction} vs {item.Gold}: {score.Failure}");
        Assert.That(score.Failure, Is.Null);
    }

    [TestCaseSource(nameof(Cases))]
    public async Task KnownWrongAnswerScoresWrong(Case c)
    {
        var (task, item) = First(c);
        var score = await task.ScoreAsync(item, Resolve(c.Wrong, item));
        Assert.That(score.Correct, Is.False);
        if (task.AnswerType == AnswerType.Code)
            Assert.That(score.CodeFailure, Is.EqualTo(SandboxFailure.TestFailure), score.Execution?.Stderr);
        else
            Assert.That(score.Prediction, Is.Not.Null);
    }

    [TestCaseSource(nameof(Cases))]
    public void PromptEndsWithTheAnswerFormat(Case c)
    {
        var (task, item) = First(c);
        var prompt = task.BuildPrompt(item);
        Assert.That(prompt, Does.StartWith(item.Question));
        Assert.That(prompt, Does.EndWith(task.AnswerFormat));
        Assert.That(task.AnswerFormat, Has.Length.LessThan(260), "the instruction stays concise");
        if (task.AnswerType == AnswerType.Code)
            Assert.That(task.AnswerFormat, Does.Contain("```python"));
        else
            Assert.That(task.AnswerFormat, Does.Contain("\\boxed{}"));
    }

    [Test]
    public void MultipleChoicePromptListsLetteredOptions()
    {
        var (task, item) = First(Cases().Single(c => c.Task == "arc_challenge"));
        Assert.That(task.BuildPrompt(item), Is.EqualTo(
            "An astronomer observes that a planet rotates faster after a meteorite impact. Which is the most likely effect of this increase in rotation?\n\n" +
            "A) Planetary density will decrease.\nB) Planetary years will become longer.\nC) Planetary days will become shorter.\nD) Planetary gravity will become stronger.\n\n" +
            task.AnswerFormat));
    }

    [Test]
    public async Task NoAnswerIsReportedAsSuch()
    {
        var (task, item) = First(Cases().First());
        var score = await task.ScoreAsync(item, "I could not solve it.");
        Assert.That(score.Correct, Is.False);
        Assert.That(score.Prediction, Is.Null);
        Assert.That(score.Failure, Is.EqualTo(ItemScore.NoAnswer));

        var (code, codeItem) = First(Cases().Single(c => c.Task == "mbppplus"));
        var noBlock = await code.ScoreAsync(codeItem, "def similar_elements(a, b): return ()");
        Assert.That(noBlock.CodeFailure, Is.EqualTo(SandboxFailure.NoCodeBlock));
    }

    [Test]
    public async Task CodeWithSyntaxErrorIsTold()
    {
        var (task, item) = First(Cases().Single(c => c.Task == "mbppplus"));
        var score = await task.ScoreAsync(item, "```python\ndef similar_elements(a, b)\n    return ()\n```");
        Assert.That(score.CodeFailure, Is.EqualTo(SandboxFailure.SyntaxError), score.Execution?.Stderr);
    }

    [Test]
    public async Task HumanEvalBodyOnlySolutionGetsTheSignature()
    {
        var (task, item) = First(Cases().Single(c => c.Task == "humanevalplus"));
        var body = "```python\n    for i, a in enumerate(numbers):\n        for j, b in enumerate(numbers):\n            if i != j and abs(a - b) < threshold:\n                return True\n    return False\n```";
        var score = await task.ScoreAsync(item, body);
        Assert.That(score.Correct, Is.True, score.Execution?.Stderr);
    }

    [Test]
    public void CustomRejectsCodeAnswers() =>
        Assert.Throws<ArgumentException>(() => TaskCatalogue.Get("custom", AnswerType.Code));
}
