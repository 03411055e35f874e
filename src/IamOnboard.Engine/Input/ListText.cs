using System;
using System.Collections.Generic;
using System.Linq;

namespace IamOnboard.Input;

/// <summary>Several values in one CSV cell.</summary>
public static class ListText
{
    /// <summary>
    /// Splits on ';' only (ARNs, and tag values, may hold commas), trims each piece and drops empty ones.
    /// Null or blank text gives an empty list.
    /// </summary>
    public static IReadOnlyList<string> Split(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? Array.Empty<string>()
            : text!.Split(';').Select(piece => piece.Trim()).Where(piece => piece.Length > 0).ToArray();
}
