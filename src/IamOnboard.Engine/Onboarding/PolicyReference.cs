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

        return new Match(null, $"No managed policy in the account or AWS's catalogue is named '{reference}'.");
    }
}
