using System.Text.RegularExpressions;

namespace LatentMas.Native.Tasks.Scoring;

/// <summary>
/// Multiple-choice answers: finds the chosen option letter in free text. In order: the last <c>\boxed{}</c>; the
/// last "answer is / answer: / option" phrase; a last line that is only a letter ("B.", "(B)", "**B**") or starts
/// with one ("B. Planetary years..."); the last "(X)"; a first line that starts with a letter; an option's full
/// text given as the answer. A lower-case letter counts only where it cannot be the article "a" or a word
/// ("answer: b", "(d)", "answer is c.").
/// </summary>
public static partial class ChoiceAnswer
{
    /// <summary>The chosen letter (upper case) among <paramref name="letters"/>, or null.</summary>
    /// <param name="output">Model output.</param>
    /// <param name="letters">Valid letters, e.g. "ABCD".</param>
    /// <param name="choices">Option texts in letter order, to recognise an answer given as the option's text.</param>
    public static string? Extract(string output, string letters, IReadOnlyList<string>? choices = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrEmpty(letters);
        letters = letters.ToUpperInvariant();

        if (BoxedText.Last(output) is { } boxed && FromFragment(boxed, letters, choices) is { } fromBox)
            return fromBox;

        var phrases = AnswerPhrase().Matches(output);
        for (var i = phrases.Count - 1; i >= 0; i--)
        {
            var m = phrases[i];
            if (Accept(m.Groups["letter"].Value[0], m.Groups["open"].Length > 0, output, m.Groups["letter"].Index + 1, letters) is { } letter)
                return letter;
        }

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length > 0 && BareLetterLine().Match(lines[^1]) is { Success: true } bare
            && letters.Contains(char.ToUpperInvariant(bare.Groups[1].Value[0])))
            return char.ToUpperInvariant(bare.Groups[1].Value[0]).ToString();

        if (lines.Length > 0 && LeadingLetterLine(lines[^1], letters) is { } lastLead)
            return lastLead;

        var parens = ParenLetter().Matches(output);
        for (var i = parens.Count - 1; i >= 0; i--)
            if (letters.Contains(parens[i].Groups[1].Value[0]))
                return parens[i].Groups[1].Value;

        // An answer that opens with its option: "B. Planetary years will become longer."
        if (lines.Length > 1 && LeadingLetterLine(lines[0], letters) is { } firstLead)
            return firstLead;

        if (choices is { Count: > 0 })
        {
            var tail = lines.Length > 0 ? lines[^1] : "";
            var phraseText = AnswerText().Matches(output) is { Count: > 0 } texts ? texts[^1].Groups[1].Value : null;
            foreach (var candidate in new[] { phraseText, tail })
                if (candidate is not null && MatchChoiceText(candidate, choices) is { } byText)
                    return byText;
        }
        return null;
    }

    /// <summary>
    /// Normalises a reference answer to a letter: accepts "B", "(b)", "B.", a 1-based number ("2" is B, for
    /// datasets that label options 1-4), or the text of an option.
    /// </summary>
    public static string? NormalizeGold(string gold, string letters, IReadOnlyList<string>? choices = null)
    {
        ArgumentNullException.ThrowIfNull(gold);
        letters = letters.ToUpperInvariant();
        var s = gold.Trim().Trim('(', ')', '.', ' ', '*', '[', ']');
        if (s.Length == 1 && letters.Contains(char.ToUpperInvariant(s[0])))
            return char.ToUpperInvariant(s[0]).ToString();
        if (int.TryParse(s, out var n) && n >= 1 && n <= letters.Length)
            return letters[n - 1].ToString();
        return choices is null ? null : MatchChoiceText(gold, choices);
    }

    /// <summary>A letter from a short fragment such as a box's content: "C", "(C)", "\text{C}", "C) 42", "option c", or an option's text.</summary>
    private static string? FromFragment(string fragment, string letters, IReadOnlyList<string>? choices)
    {
        var s = BoxedText.StripLatex(fragment).Trim().Trim('*', ' ', '.', ':');
        s = OptionWord().Replace(s, "").Trim();
        var core = s.Trim('(', ')', '[', ']', ' ');
        if (core.Length == 1 && letters.Contains(char.ToUpperInvariant(core[0])))
            return char.ToUpperInvariant(core[0]).ToString();
        if (LeadingLetter().Match(s) is { Success: true } lead && letters.Contains(char.ToUpperInvariant(lead.Groups[1].Value[0])))
            return char.ToUpperInvariant(lead.Groups[1].Value[0]).ToString();
        return choices is null ? null : MatchChoiceText(s, choices);
    }

    private static string? LeadingLetterLine(string line, string letters) =>
        LeadingUpperLetter().Match(line) is { Success: true } m && letters.Contains(m.Groups[1].Value[0]) ? m.Groups[1].Value : null;

    /// <summary>Accepts an upper-case letter as it is; a lower-case one only in brackets or when punctuation or the line's end follows.</summary>
    private static string? Accept(char c, bool bracketed, string text, int after, string letters)
    {
        var upper = char.ToUpperInvariant(c);
        if (!letters.Contains(upper))
            return null;
        if (char.IsUpper(c) || bracketed)
            return upper.ToString();
        var i = after;
        while (i < text.Length && text[i] is ' ' or '\t')
            i++;
        return i >= text.Length || text[i] is ')' or ']' or '.' or ':' or ',' or ';' or '*' or '\n' or '\r' or '!' ? upper.ToString() : null;
    }

    private static string? MatchChoiceText(string candidate, IReadOnlyList<string> choices)
    {
        var norm = TextAnswer.Normalize(candidate);
        if (norm.Length == 0)
            return null;
        var hits = Enumerable.Range(0, choices.Count).Where(i => TextAnswer.Normalize(choices[i]) == norm).ToList();
        return hits.Count == 1 ? ((char)('A' + hits[0])).ToString() : null;
    }

    // "answer is (B)", "Answer: b", "final answer: **C**", "the correct option is D", "choice (A)".
    [GeneratedRegex(@"(?:answer|option|choice)(?:\s+(?:is|would\s+be|will\s+be|should\s+be))?\s*[:=\-]?\s*(?:option|choice|letter)?\s*[:\-]?\s*(?<open>[\(\[])?\**\s*(?<letter>[A-Za-z])(?![A-Za-z0-9'])", RegexOptions.IgnoreCase)]
    private static partial Regex AnswerPhrase();

    // A whole line that is only a letter: "B", "B.", "(B)", "**B**", "B)".
    [GeneratedRegex(@"^[\*_\s]*\(?([A-Za-z])\)?[\.\:]?[\*_\s]*$")]
    private static partial Regex BareLetterLine();

    [GeneratedRegex(@"^\**\(?([A-Z])[\)\.]\**(?:\s|$)")]
    private static partial Regex LeadingUpperLetter();

    [GeneratedRegex(@"\(([A-Z])\)")]
    private static partial Regex ParenLetter();

    [GeneratedRegex(@"^\(?([A-Za-z])[\)\.:]\s")]
    private static partial Regex LeadingLetter();

    [GeneratedRegex(@"^(?:option|choice|letter)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex OptionWord();

    [GeneratedRegex(@"answer\s*(?:is|:)\s*(.+)$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex AnswerText();
}
