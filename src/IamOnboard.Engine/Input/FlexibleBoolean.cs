using System;

namespace IamOnboard.Input;

/// <summary>Yes/no cells from spreadsheets and CSV files, where people write anything from "TRUE" to "y" to "1".</summary>
public static class FlexibleBoolean
{
    private static readonly string[] TrueWords = { "true", "yes", "y", "1", "on" };
    private static readonly string[] FalseWords = { "false", "no", "n", "0", "off" };

    /// <summary>
    /// true/false, yes/no, y/n, 1/0, on/off in any letter case, surrounding spaces ignored; an empty or blank cell is
    /// false (a column left empty means "no"). Anything else is refused rather than guessed.
    /// </summary>
    public static bool TryParse(string? text, out bool value)
    {
        value = false;
        string trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return true;
        }

        if (Array.Exists(TrueWords, w => string.Equals(w, trimmed, StringComparison.OrdinalIgnoreCase)))
        {
            value = true;
            return true;
        }

        return Array.Exists(FalseWords, w => string.Equals(w, trimmed, StringComparison.OrdinalIgnoreCase));
    }
}
