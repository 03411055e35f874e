using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.Iam;

namespace IamOnboard.Onboarding;

/// <summary>Resolves what a person types for a managed policy (ARN, name, or path/name) against the account's catalogue.</summary>
internal static class PolicyReference
{
    public readonly struct Match
    {
        public Match(string? arn, string? problem)
        {
            Arn = arn;
            Problem = problem;
        }

        public string? Arn { get; }
        public string? Problem { get; }
    }

    /// <summary>Whether the reference is an ARN (checked alone) rather than a name (looked up in the catalogue).</summary>
    public static bool IsArn(string reference) => reference.Trim().StartsWith("arn:", StringComparison.OrdinalIgnoreCase);

    /// <summary>The ARN of the AWS managed policy <paramref name="pathAndName"/> (e.g. <c>job-function/ViewOnlyAccess</c>) in a partition.</summary>
    public static string AwsManagedArn(string partition, string pathAndName) => $"arn:{partition}:iam::aws:policy/{pathAndName.TrimStart('/')}";

    /// <summary>A policy name, or path and name, in the catalogue; an ARN is not looked up here (<see cref="IsArn"/>).</summary>
    public static Match Resolve(string reference, IReadOnlyList<IamManagedPolicy> catalogue)
    {
        var text = reference.Trim();

        // "job-function/ViewOnlyAccess" or "/job-function/ViewOnlyAccess" names the path too.
        var slash = text.LastIndexOf('/');
        var name = slash >= 0 ? text.Substring(slash + 1) : text;
        var path = slash >= 0 ? "/" + text.Substring(0, slash).Trim('/') + "/" : null;
        var candidates = catalogue
            .Where(p => string.Equals(p.PolicyName, name, StringComparison.OrdinalIgnoreCase))
            .Where(p => path is null || string.Equals(p.Path, path, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (candidates.Count == 1)
        {
            return new Match(candidates[0].Arn, null);
        }

        if (candidates.Count > 1)
        {
            // An account policy may share a name with an AWS managed one; guessing would grant the wrong rights.
            return new Match(null,
                $"'{reference}' names more than one managed policy ({string.Join(", ", candidates.Select(c => c.Arn))}); give the ARN.");
        }

        return new Match(null, Ending($"No managed policy in the account or AWS's catalogue is named '{reference}'", Hint(text, catalogue)));
    }

    /// <summary>A sentence ended by its hint's own punctuation, or by a full stop when there is no hint.</summary>
    public static string Ending(string sentence, string hint) => hint.Length == 0 ? sentence + "." : sentence + hint;

    /// <summary>
    /// What to do about a reference nothing matched, ending with its punctuation, or an empty string: several policies joined in one value
    /// ("ReadOnlyAccess,IAMUserChangePassword", which IAM would read as one name, commas being allowed in it), or a
    /// name or ARN a letter or two off one in the catalogue.
    /// </summary>
    public static string Hint(string reference, IReadOnlyList<IamManagedPolicy> catalogue)
    {
        var text = reference.Trim();
        var pieces = text.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(piece => piece.Trim()).Where(piece => piece.Length > 0).ToList();
        if (pieces.Count > 1 && pieces.All(piece => (IsArn(piece) ? catalogue.Any(p => p.Arn == piece) : Resolve(piece, catalogue).Arn is not null)))
        {
            return $"; it is {pieces.Count} policies in one value: give each as its own value, as in -Policy {string.Join(", ", pieces)} "
                + $"(in a CSV cell, separate them with ';': {string.Join(";", pieces)}).";
        }

        var meant = Closest(text, catalogue);
        return meant is null ? string.Empty : $"; did you mean '{meant}'?{(IsArn(text) ? " ARNs are case-sensitive." : string.Empty)}";
    }

    // The one policy whose ARN (for an ARN) or name (for a name, or path and name) is at most two edits away, ignoring
    // case; null when none is, or more than one is equally close.
    private static string? Closest(string text, IReadOnlyList<IamManagedPolicy> catalogue)
    {
        var arn = IsArn(text);
        var slash = text.LastIndexOf('/');
        var typed = arn ? text : slash >= 0 ? text.Substring(slash + 1) : text;
        var scored = catalogue
            .Select(p => (Policy: p, Distance: EditDistance(typed.ToUpperInvariant(), (arn ? p.Arn : p.PolicyName).ToUpperInvariant())))
            .Where(s => s.Distance <= 2)
            .OrderBy(s => s.Distance)
            .ToList();
        if (scored.Count == 0 || (scored.Count > 1 && scored[1].Distance == scored[0].Distance))
        {
            return null;
        }

        var best = scored[0].Policy;
        return arn ? best.Arn : best.Path == "/" ? best.PolicyName : best.Path.Trim('/') + "/" + best.PolicyName;
    }

    private static int EditDistance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2)
        {
            return int.MaxValue;
        }

        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
