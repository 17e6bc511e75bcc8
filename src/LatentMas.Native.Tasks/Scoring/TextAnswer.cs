using System.Text;
using System.Text.RegularExpressions;

namespace LatentMas.Native.Tasks.Scoring;

/// <summary>
/// Free-text answers: extraction (the last <c>\boxed{}</c>, else the rest of the last "answer:" / "answer is"
/// line, else the last non-empty line) and comparison after normalisation (case, accents kept, punctuation,
/// the articles a/an/the, and runs of spaces removed).
/// </summary>
public static partial class TextAnswer
{
    /// <summary>The answer text of <paramref name="output"/>, or null when the output is blank.</summary>
    public static string? Extract(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (BoxedText.Last(output) is { Length: > 0 } boxed)
            return BoxedText.StripLatex(boxed);
        var phrases = AnswerLine().Matches(output);
        if (phrases.Count > 0 && phrases[^1].Groups[1].Value.Trim() is { Length: > 0 } phrase)
            return phrase.Trim().Trim('*').Trim();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 0 ? lines[^1] : null;
    }

    /// <summary>True when both texts are equal after <see cref="Normalize"/>.</summary>
    public static bool Matches(string? predicted, string gold) =>
        predicted is not null && Normalize(predicted) is { Length: > 0 } p && p == Normalize(gold);

    /// <summary>Lower case, punctuation to spaces, articles dropped, spaces collapsed.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        foreach (var c in BoxedText.StripLatex(text).ToLowerInvariant())
            sb.Append(char.IsLetterOrDigit(c) || c == '.' ? c : ' ');
        // A dot counts only inside a number ("3.5"); elsewhere it is punctuation.
        var s = DotOutsideNumber().Replace(sb.ToString(), " ");
        var words = s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w is not ("a" or "an" or "the"));
        return string.Join(' ', words);
    }

    [GeneratedRegex(@"(?:final\s+answer|answer)\s*(?:is|:)\s*(.*)$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex AnswerLine();

    [GeneratedRegex(@"(?<!\d)\.|\.(?!\d)")]
    private static partial Regex DotOutsideNumber();
}
