using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.LocalIam.Policy;
using Xunit;

namespace IamOnboard.Tests.Policy;

/// <summary>
/// Random policies, requests and contexts (seeded, so a failure repeats): adding a Deny statement anywhere never
/// turns a denied request into an allowed one, and never lifts an explicit deny.
/// </summary>
public class PolicyEvaluatorPropertyTests
{
    private static readonly string[] ActionPatterns = { "*", "iam:*", "iam:Get*", "iam:List*", "iam:*User", "iam:?etUser", "s3:*", "iam:CreateUser", "iam:DeleteUser", "sts:*" };
    private static readonly string[] Actions = { "iam:GetUser", "iam:ListUsers", "iam:CreateUser", "iam:DeleteUser", "s3:GetObject", "sts:AssumeRole", "iam:ChangePassword" };
    private static readonly string[] ResourcePatterns = { "*", "arn:aws:iam::*:user/*", "arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::111122223333:user/a?", "arn:aws:s3:::*", "arn:aws:iam::*:group/*" };
    private static readonly string[] Resources = { "*", "arn:aws:iam::111122223333:user/ab", "arn:aws:iam::111122223333:user/alice", "arn:aws:s3:::bucket/key", "arn:aws:iam::111122223333:group/dev" };
    private static readonly string[] Conditions =
    {
        "{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}",
        "{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}",
        "{\"StringEquals\":{\"aws:username\":\"alice\"}}",
        "{\"StringNotLike\":{\"aws:username\":\"a*\"}}",
        "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}",
        "{\"NotIpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}",
        "{\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":\"300\"}}",
        "{\"Null\":{\"aws:MultiFactorAuthAge\":\"true\"}}",
        "{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":\"team\"}}",
        "{\"ForAllValues:StringLike\":{\"aws:TagKeys\":\"t*\"}}",
    };

    [Fact]
    public void Adding_a_deny_statement_never_turns_a_deny_into_an_allow()
    {
        var random = new Random(20261205);
        int allowedBefore = 0, changed = 0;
        for (int iteration = 0; iteration < 3000; iteration++)
        {
            var identity = Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomPolicy(random)).ToList();
            var boundary = random.Next(3) == 0 ? Enumerable.Range(0, random.Next(1, 3)).Select(_ => RandomPolicy(random)).ToList() : null;
            string action = Pick(random, Actions);
            string resource = Pick(random, Resources);
            var context = RandomContext(random);
            var before = PolicyEvaluator.Evaluate(action, resource, context, Sources(identity), boundary is null ? null : Sources(boundary));

            // Add one Deny statement to an existing policy, as a new identity policy, or to the boundary.
            string deny = RandomStatement(random, "Deny");
            var identityAfter = identity.ToList();
            var boundaryAfter = boundary?.ToList();
            int where = random.Next(3);
            if (where == 0 && identityAfter.Count > 0)
            {
                int i = random.Next(identityAfter.Count);
                identityAfter[i].Add(deny);
            }
            else if (where == 1 && boundaryAfter is not null)
            {
                boundaryAfter[random.Next(boundaryAfter.Count)].Add(deny);
            }
            else
            {
                identityAfter.Add(new List<string> { deny });
            }

            var after = PolicyEvaluator.Evaluate(action, resource, context, Sources(identityAfter), boundaryAfter is null ? null : Sources(boundaryAfter));
            string what = $"iteration {iteration}: {action} on {resource}";
            if (before.Decision != EvaluationDecision.Allowed)
            {
                Assert.True(after.Decision != EvaluationDecision.Allowed, what + " became allowed after adding " + deny);
            }

            if (before.Decision == EvaluationDecision.ExplicitDeny)
            {
                Assert.True(after.Decision == EvaluationDecision.ExplicitDeny, what + " lost its explicit deny");
            }

            allowedBefore += before.Decision == EvaluationDecision.Allowed ? 1 : 0;
            changed += before.Decision != after.Decision ? 1 : 0;
        }

        // The generator must exercise both outcomes, or the property says nothing.
        Assert.InRange(allowedBefore, 200, 2800);
        Assert.True(changed > 100, "only " + changed + " decisions changed");
    }

    private static List<string> RandomPolicy(Random random) =>
        Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomStatement(random, random.Next(4) == 0 ? "Deny" : "Allow")).ToList();

    private static string RandomStatement(Random random, string effect)
    {
        string actionKey = random.Next(5) == 0 ? "NotAction" : "Action";
        string resourceKey = random.Next(6) == 0 ? "NotResource" : "Resource";
        string statement = "{\"Effect\":\"" + effect + "\",\"" + actionKey + "\":" + List(random, ActionPatterns) + ",\"" + resourceKey + "\":" + List(random, ResourcePatterns);
        if (random.Next(3) == 0)
        {
            statement += ",\"Condition\":" + Pick(random, Conditions);
        }

        return statement + "}";
    }

    private static string List(Random random, string[] pool) =>
        "[" + string.Join(",", Enumerable.Range(0, random.Next(1, 3)).Select(_ => "\"" + Pick(random, pool) + "\"")) + "]";

    private static RequestContext RandomContext(Random random)
    {
        var context = new RequestContext().Set("aws:SourceIp", random.Next(2) == 0 ? "10.1.2.3" : "198.51.100.9");
        if (random.Next(4) != 0)
        {
            context.Set("aws:username", random.Next(2) == 0 ? "alice" : "bob");
        }

        int mfa = random.Next(3);
        if (mfa > 0)
        {
            context.Set("aws:MultiFactorAuthPresent", mfa == 2 ? "true" : "false");
        }

        if (mfa == 2)
        {
            context.Set("aws:MultiFactorAuthAge", random.Next(0, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (random.Next(2) == 0)
        {
            context.Set("aws:TagKeys", random.Next(2) == 0 ? new[] { "team" } : new[] { "team", "cost" });
        }

        return context;
    }

    private static List<PolicySource> Sources(List<List<string>> policies) =>
        policies.Select((statements, i) => new PolicySource("p" + i, "user",
            PolicyParser.Parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + string.Join(",", statements) + "]}"))).ToList();

    private static string Pick(Random random, string[] pool) => pool[random.Next(pool.Length)];
}
