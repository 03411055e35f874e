namespace IamOnboard.Onboarding;

/// <summary>
/// How messages name a batch row: "row 3", "row 3 (line 4)" when it was read from a file, and "row 3 (line 4 of
/// starters.csv)" when the file is known, since rows of several files (<c>Get-ChildItem *.csv | Import-OnboardCsv</c>)
/// share row numbers.
/// </summary>
public static class BatchPosition
{
    /// <summary>The row's name, or null outside a batch.</summary>
    public static string? Describe(int? row, int? line, string? file) =>
        row is null ? null
        : line is null ? $"row {row}"
        : string.IsNullOrEmpty(file) ? $"row {row} (line {line})"
        : $"row {row} (line {line} of {file})";
}
