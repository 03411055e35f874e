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
        public Match(string? arn, bool isArn, string? problem)
        {
            Arn = arn;
            IsArn = isArn;
            Problem = problem;
        }

        public string? Arn { get; }
        public bool IsArn { get; }
        public string? Problem { get; }
    }

    /// <summary>The ARN of the AWS managed policy <paramref name="pathAndName"/> (e.g. <c>job-function/ViewOnlyAccess</c>) in a partition.</summary>
    public static string AwsManagedArn(string partition, string pathAndName) => $"arn:{partition}:iam::aws:policy/{pathAndName.TrimStart('/')}";

    public static Match Resolve(string reference, IReadOnlyList<IamManagedPolicy> catalogue, string partition)
    {
        var text = reference.Trim();
        if (text.StartsWith("arn:", StringComparison.OrdinalIgnoreCase))
        {
            var known = catalogue.FirstOrDefault(p => string.Equals(p.Arn, text, StringComparison.Ordinal));
            return new Match(known?.Arn, true, null);
        }

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
            return new Match(candidates[0].Arn, false, null);
        }

        if (candidates.Count > 1)
        {
            // An account policy may share a name with an AWS managed one; guessing would grant the wrong rights.
            return new Match(null, false,
                $"'{reference}' names more than one managed policy ({string.Join(", ", candidates.Select(c => c.Arn))}); give the ARN.");
        }

        return new Match(null, false, $"No managed policy in the account or AWS's catalogue is named '{reference}'.");
    }
}
