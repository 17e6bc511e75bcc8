using LatentMas.Native.Tasks.Scoring;

namespace LatentMas.Native.Tasks.Tests;

/// <summary>Answer extraction on a table of tricky outputs, for every answer type.</summary>
public sealed class ExtractionTests
{
    [TestCase("The total is \\boxed{72}.", "72")]
    [TestCase("So she earned $10.", "10")]
    [TestCase("#### 1,250", "1250")]
    [TestCase("The answer is $1,234.50 in total.", "1234.5")]
    [TestCase("\\boxed{\\$18.00}", "18")]
    [TestCase("\\boxed{18 \\text{ dollars}}", "18")]
    [TestCase("That is 25% of the class, so the answer is 25%.", "25")]
    [TestCase("\\boxed{\\frac{3}{4}}", "0.75")]
    [TestCase("\\boxed{-\\dfrac{1}{2}}", "-0.5")]
    [TestCase("First 12 apples, then 5 more; final answer: 17 apples. Check: 17 - 5 = 12.", "17")]
    [TestCase("We get x = 5, so \\boxed{x = 5}", "5")]
    [TestCase("The temperature drops to −7 degrees.", "-7")]
    [TestCase("Answer: 3.0", "3")]
    [TestCase("It takes 3/4 of an hour", "0.75")]
    [TestCase("The result is \\boxed{1{,}000}", "1000")]
    [TestCase("Total: 2,000,000 people.", "2000000")]
    [TestCase("5-3=2", "2")]
    [TestCase("\\boxed{42} is what I first thought, but the answer is 41.", "42")]
    [TestCase("The distance is 12.50 km.", "12.5")]
    [TestCase("\\boxed{90^\\circ}", "90")]
    [TestCase("There is no numeric answer here.", null)]
    public void Numbers(string output, string? expected) => Assert.That(NumberAnswer.Extract(output), Is.EqualTo(expected));

    [TestCase("72", "72.0", false, true)]
    [TestCase("1250", "1,250", false, true)]
    [TestCase("0.3333333", "0.33333333", false, true)]
    [TestCase("18", "$18.00", false, true)]
    [TestCase("33", "033", true, true)]
    [TestCase("33.5", "33", true, false)]
    [TestCase("34", "33", true, false)]
    [TestCase("7", "8", false, false)]
    public void NumberComparison(string predicted, string gold, bool integerOnly, bool equal) =>
        Assert.That(NumberAnswer.Matches(predicted, gold, integerOnly), Is.EqualTo(equal));

    [TestCase("The answer is (B).", "B")]
    [TestCase("B. Planetary years will become longer.", "B")]
    [TestCase("answer: b", "B")]
    [TestCase("\\boxed{C}", "C")]
    [TestCase("The answer is (D)", "D")]
    [TestCase("Final answer: **A**", "A")]
    [TestCase("\\boxed{\\text{(B)}}", "B")]
    [TestCase("\\boxed{C) 10^-4 eV}", "C")]
    [TestCase("I think the answer is a tricky one, but overall (C) fits best.", "C")]
    [TestCase("Let's compare options A and B... The correct option is D.", "D")]
    [TestCase("Reasoning...\n\n(B)", "B")]
    [TestCase("The answer is (A). Wait, that ignores friction. The answer is C.", "C")]
    [TestCase("Answer: option c", "C")]
    [TestCase("Both A and B are wrong; the answer is B because it conserves energy.", "B")]
    [TestCase("So the answer is E.", null)]
    [TestCase("I am not sure.", null)]
    public void Choices(string output, string? expected) => Assert.That(ChoiceAnswer.Extract(output, "ABCD"), Is.EqualTo(expected));

    [Test]
    public void ChoiceGivenAsOptionText()
    {
        string[] choices = ["Sarah", "Maria"];
        Assert.That(ChoiceAnswer.Extract("The blank refers to the better surgeon.\n\\boxed{Sarah}", "AB", choices), Is.EqualTo("A"));
        Assert.That(ChoiceAnswer.Extract("So the answer is Maria.", "AB", choices), Is.EqualTo("B"));
    }

    [TestCase("B", "ABCD", "B")]
    [TestCase("(c)", "ABCD", "C")]
    [TestCase("2", "AB", "B")]
    [TestCase("Z", "ABCD", null)]
    public void ChoiceGold(string gold, string letters, string? expected) =>
        Assert.That(ChoiceAnswer.NormalizeGold(gold, letters), Is.EqualTo(expected));

    [TestCase("The capital is \\boxed{Paris}.", "Paris")]
    [TestCase("Final answer: Jane Austen", "Jane Austen")]
    [TestCase("Thinking...\nThe Beatles", "The Beatles")]
    [TestCase("Answer: **the Pacific Ocean**", "the Pacific Ocean")]
    public void Texts(string output, string expected) => Assert.That(TextAnswer.Extract(output), Is.EqualTo(expected));

    [TestCase("Paris.", "paris", true)]
    [TestCase("The Pacific Ocean", "pacific ocean", true)]
    [TestCase("Jane  Austen!", "jane austen", true)]
    [TestCase("3.5 metres", "3.5 metres", true)]
    [TestCase("London", "Paris", false)]
    public void TextComparison(string predicted, string gold, bool equal) => Assert.That(TextAnswer.Matches(predicted, gold), Is.EqualTo(equal));

    [Test]
    public void CodeBlocks()
    {
        Assert.That(CodeAnswer.ExtractLastPythonBlock("Here:\n```python\ndef f():\n    return 1\n```\nDone."), Is.EqualTo("def f():\n    return 1\n"));
        Assert.That(CodeAnswer.ExtractLastPythonBlock("```python\nold = 1\n```\nBetter:\n```python\nnew = 2\n```\n```text\nnot code\n```"), Is.EqualTo("new = 2\n"));
        Assert.That(CodeAnswer.ExtractLastPythonBlock("```\nplain = 3\n```"), Is.EqualTo("plain = 3\n"), "an untagged block when there is no python one");
        Assert.That(CodeAnswer.ExtractLastPythonBlock("```py\nshort = 4\n```"), Is.EqualTo("short = 4\n"));
        Assert.That(CodeAnswer.ExtractLastPythonBlock("```python\na = 1\n```\nand then cut off:\n```python\ndef g():\n    return 2"), Is.EqualTo("def g():\n    return 2\n"));
        Assert.That(CodeAnswer.ExtractLastPythonBlock("def f(): return 1"), Is.Null, "code outside a fence does not count");
        Assert.That(CodeAnswer.ExtractLastPythonBlock("```python\n```"), Is.Null);
    }

    [Test]
    public void BoxedNestedBraces()
    {
        Assert.That(BoxedText.Last("\\boxed{1} then \\boxed{\\frac{1}{2}}"), Is.EqualTo("\\frac{1}{2}"));
        Assert.That(BoxedText.Last("cut off \\boxed{12"), Is.EqualTo("12"));
        Assert.That(BoxedText.Last("no box"), Is.Null);
    }
}
