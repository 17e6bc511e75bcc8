using System.Globalization;
using System.Text.RegularExpressions;

namespace LatentMas.Native.Tasks.Scoring;

/// <summary>
/// Numeric answers: extraction from free text (the last <c>\boxed{}</c>, else a GSM8K-style <c>####</c> line, else
/// the number after the last "answer is"/"answer:", else the last number), normalisation (thousands separators,
/// currency, units, percent signs, trailing <c>.0</c>, LaTeX fractions) and numeric comparison.
/// </summary>
public static partial class NumberAnswer
{
    /// <summary>The answer number of <paramref name="output"/> in canonical form (e.g. "1234.5", "-3", "0.75"), or null.</summary>
    public static string? Extract(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = Clean(output);

        if (BoxedText.Last(text) is { } boxed && ParseFragment(boxed) is { } fromBox)
            return Format(fromBox);

        var hashes = text.LastIndexOf("####", StringComparison.Ordinal);
        if (hashes >= 0 && FirstNumber(text[(hashes + 4)..]) is { } fromHashes)
            return Format(fromHashes);

        var phrases = AnswerPhrase().Matches(text);
        for (var i = phrases.Count - 1; i >= 0; i--)
        {
            var m = phrases[i];
            var rest = text[(m.Index + m.Length)..];
            var lineEnd = rest.IndexOf('\n');
            var window = lineEnd >= 0 ? rest[..lineEnd] : rest;
            if (FirstNumber(StripForNumbers(window)) is { } fromPhrase)
                return Format(fromPhrase);
        }

        return LastNumber(StripForNumbers(text)) is { } last ? Format(last) : null;
    }

    /// <summary>Parses a reference or predicted answer text ("$1,200", "25%", "\frac{3}{4}", "72.0") to a number.</summary>
    public static bool TryParse(string text, out decimal value)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parsed = ParseFragment(Clean(text));
        value = parsed ?? 0;
        return parsed.HasValue;
    }

    /// <summary>The gold answer of a GSM8K solution: the number after <c>####</c>.</summary>
    public static string? Gsm8kGold(string solution)
    {
        var hashes = solution.LastIndexOf("####", StringComparison.Ordinal);
        var tail = hashes >= 0 ? solution[(hashes + 4)..] : solution;
        return ParseFragment(Clean(tail)) is { } v ? Format(v) : null;
    }

    /// <summary>
    /// True when <paramref name="predicted"/> equals <paramref name="gold"/> as numbers (relative tolerance 1e-6);
    /// with <paramref name="integerOnly"/> both must be integers and equal.
    /// </summary>
    public static bool Matches(string? predicted, string gold, bool integerOnly = false)
    {
        if (predicted is null || !TryParse(predicted, out var p) || !TryParse(gold, out var g))
            return false;
        if (integerOnly)
            return p == decimal.Truncate(p) && g == decimal.Truncate(g) && p == g;
        if (p == g)
            return true;
        var tolerance = 1e-6m * Math.Max(1m, Math.Abs(g));
        return Math.Abs(p - g) <= tolerance;
    }

    /// <summary>Canonical text of a number: invariant culture, no trailing zeros.</summary>
    public static string Format(decimal value)
    {
        var s = value.ToString("0.############################", CultureInfo.InvariantCulture);
        return s == "-0" ? "0" : s;
    }

    private static string Clean(string text) =>
        text.Replace('\u2212', '-').Replace('\u2013', '-').Replace('\u2009', ' ').Replace('\u202f', ' ').Replace('\u00a0', ' ');

    /// <summary>The number a short answer fragment stands for ("x = 5", "\$18.00", "3/4", "25\%", "1{,}000 cm").</summary>
    private static decimal? ParseFragment(string fragment)
    {
        var s = BoxedText.StripLatex(fragment);
        s = FracCommand().Replace(s, "($1)/($2)");
        // "x = 5" and "a + b = 12" answer with the right-hand side.
        var eq = s.LastIndexOf('=');
        if (eq >= 0 && eq < s.Length - 1)
            s = s[(eq + 1)..];
        s = StripForNumbers(s);
        if (WholeFraction().Match(s) is { Success: true } frac)
        {
            var sign = frac.Groups[1].Value == "-" ? -1m : 1m;
            if (TryDecimal(frac.Groups[2].Value, out var num) && TryDecimal(frac.Groups[3].Value, out var den) && den != 0)
                return sign * num / den;
        }
        return FirstNumber(s);
    }

    /// <summary>Drops what sits around numbers: currency and percent signs, degree marks, LaTeX spacing.</summary>
    private static string StripForNumbers(string s) =>
        s.Replace("\\$", " ", StringComparison.Ordinal).Replace('$', ' ').Replace("\\%", " ", StringComparison.Ordinal)
         .Replace('%', ' ').Replace("^\\circ", " ", StringComparison.Ordinal).Replace("^{\\circ}", " ", StringComparison.Ordinal)
         .Replace('€', ' ').Replace('£', ' ').Replace('°', ' ').Replace("{,}", ",", StringComparison.Ordinal);

    private static decimal? FirstNumber(string s)
    {
        foreach (Match m in NumberToken().Matches(s))
            if (ToValue(m) is { } v)
                return v;
        return null;
    }

    private static decimal? LastNumber(string s)
    {
        var matches = NumberToken().Matches(s);
        for (var i = matches.Count - 1; i >= 0; i--)
            if (ToValue(matches[i]) is { } v)
                return v;
        return null;
    }

    private static decimal? ToValue(Match m)
    {
        if (m.Groups["num"].Success && m.Groups["den"].Success)
        {
            if (TryDecimal(m.Groups["num"].Value, out var num) && TryDecimal(m.Groups["den"].Value, out var den) && den != 0)
                return (m.Groups["neg"].Success ? -1 : 1) * num / den;
            return null;
        }
        var text = m.Groups["dec"].Value.Replace(",", "", StringComparison.Ordinal);
        return TryDecimal(text, out var value) ? (m.Groups["neg"].Success ? -value : value) : null;
    }

    private static bool TryDecimal(string s, out decimal value) =>
        decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    // A number not glued to a word: an optional minus, then a fraction a/b, or 1,234,567.89 / 1234.5 / .5 / 2e5.
    [GeneratedRegex(@"(?<![\w.,/])(?<neg>-\s?)?(?:(?<num>\d+)\s*/\s*(?<den>\d+)(?![\d.,/])|(?<dec>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+))")]
    private static partial Regex NumberToken();

    [GeneratedRegex(@"^\s*(-?)\s*\(?\s*(\d+(?:\.\d+)?)\s*\)?\s*/\s*\(?\s*(\d+(?:\.\d+)?)\s*\)?\s*$")]
    private static partial Regex WholeFraction();

    [GeneratedRegex(@"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")]
    private static partial Regex FracCommand();

    [GeneratedRegex(@"(?:final\s+answer|the\s+answer|answer)\s*(?:is|:|=|would\s+be|will\s+be)\s*:?", RegexOptions.IgnoreCase)]
    private static partial Regex AnswerPhrase();
}
