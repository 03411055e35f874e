using System.Collections.Generic;
using System.Linq;
using IamOnboard.LocalIam.Policy;
using Xunit;

namespace IamOnboard.Tests.Policy;

/// <summary>The evaluator against the cases IAM's documentation on policy evaluation logic walks through.</summary>
public class PolicyEvaluatorTests
{
    private const string Resource = "arn:aws:iam::123456789012:user/alice";

    private static string Doc(params string[] statements) =>
        "{\"Version\":\"2012-10-17\",\"Statement\":[" + string.Join(",", statements) + "]}";

    private static string Stmt(string effect, string action, string resource = "\"*\"", string? condition = null, string actionKey = "Action", string resourceKey = "Resource") =>
        "{\"Effect\":\"" + effect + "\",\"" + actionKey + "\":" + action + ",\"" + resourceKey + "\":" + resource
        + (condition is null ? string.Empty : ",\"Condition\":" + condition) + "}";

    private static List<PolicySource> Policies(params string[] documents) =>
        documents.Select((d, i) => new PolicySource("p" + i, "user", PolicyParser.Parse(d))).ToList();

    private static RequestContext Alice() => new RequestContext()
        .Set("aws:username", "alice").Set("aws:SourceIp", "203.0.113.7").Set("aws:CurrentTime", "2026-12-05T12:00:00Z");

    private static EvaluationDecision Decide(string action, string resource, RequestContext context, string[] identity, string[]? boundary = null) =>
        PolicyEvaluator.Evaluate(action, resource, context, Policies(identity), boundary is null ? null : Policies(boundary)).Decision;

    [Fact]
    public void Nothing_applies_is_an_implicit_deny()
    {
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide("iam:GetUser", Resource, Alice(), new string[0]));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide("iam:GetUser", Resource, Alice(), new[] { Doc(Stmt("Allow", "\"s3:*\"")) }));
    }

    [Fact]
    public void An_explicit_deny_overrides_any_allow()
    {
        string[] policies = { Doc(Stmt("Allow", "\"*\"")), Doc(Stmt("Deny", "\"iam:DeleteUser\"")) };
        var denied = PolicyEvaluator.Evaluate("iam:DeleteUser", Resource, Alice(), Policies(policies), null);
        Assert.Equal(EvaluationDecision.ExplicitDeny, denied.Decision);
        Assert.Equal("p1", Assert.Single(denied.MatchedStatements).Source.Id);
        Assert.Equal(EvaluationDecision.Allowed, Decide("iam:GetUser", Resource, Alice(), policies));
    }

    [Fact]
    public void NotAction_with_deny_denies_everything_outside_the_list()
    {
        string[] policies = { Doc(Stmt("Allow", "\"*\"")), Doc(Stmt("Deny", "\"iam:*\"", actionKey: "NotAction")) };
        Assert.Equal(EvaluationDecision.ExplicitDeny, Decide("s3:GetObject", "arn:aws:s3:::b/k", Alice(), policies));
        Assert.Equal(EvaluationDecision.Allowed, Decide("iam:ListUsers", "arn:aws:iam::123456789012:user/", Alice(), policies));
    }

    [Fact]
    public void NotResource_allows_everything_but_the_listed_resources()
    {
        string[] policies = { Doc(Stmt("Allow", "\"iam:GetUser\"", "\"arn:aws:iam::*:user/admin\"", resourceKey: "NotResource")) };
        Assert.Equal(EvaluationDecision.Allowed, Decide("iam:GetUser", Resource, Alice(), policies));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide("iam:GetUser", "arn:aws:iam::123456789012:user/admin", Alice(), policies));
    }

    [Fact]
    public void A_permissions_boundary_limits_an_allow_and_grants_nothing_itself()
    {
        string[] identity = { Doc(Stmt("Allow", "\"*\"")) };
        string[] boundary = { Doc(Stmt("Allow", "[\"s3:*\",\"iam:Get*\"]")) };
        Assert.Equal(EvaluationDecision.Allowed, Decide("s3:GetObject", "arn:aws:s3:::b/k", Alice(), identity, boundary));
        var limited = PolicyEvaluator.Evaluate("iam:CreateUser", Resource, Alice(), Policies(identity), Policies(boundary));
        Assert.Equal(EvaluationDecision.ImplicitDeny, limited.Decision);
        Assert.True(limited.DecidedByBoundary);
        Assert.False(limited.AllowedByBoundary);
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide("s3:GetObject", "arn:aws:s3:::b/k", Alice(), new string[0], boundary));
        Assert.Equal(EvaluationDecision.ExplicitDeny, Decide("s3:GetObject", "arn:aws:s3:::b/k", Alice(), identity, new[] { Doc(Stmt("Deny", "\"s3:*\"")) }));
    }

    [Theory]
    [InlineData("iam:Get*", "IAM:getuser", true)]
    [InlineData("iam:*User", "iam:CreateUser", true)]
    [InlineData("iam:*User", "iam:CreateUsers", false)]
    [InlineData("iam:?etUser", "iam:GetUser", true)]
    [InlineData("*", "ec2:RunInstances", true)]
    public void Action_patterns_match_case_insensitively_with_wildcards(string pattern, string action, bool matches)
    {
        var decision = Decide(action, "*", Alice(), new[] { Doc(Stmt("Allow", "\"" + pattern + "\"")) });
        Assert.Equal(matches ? EvaluationDecision.Allowed : EvaluationDecision.ImplicitDeny, decision);
    }

    [Theory]
    [InlineData("arn:aws:iam::*:user/dev-?", "arn:aws:iam::123456789012:user/dev-1", true)]
    [InlineData("arn:aws:iam::*:user/dev-?", "arn:aws:iam::123456789012:user/dev-10", false)]
    [InlineData("arn:aws:iam::*:user/*", "arn:aws:iam::123456789012:user/teams/web/ann", true)]
    [InlineData("arn:aws:s3:::Reports/*", "arn:aws:s3:::reports/q1", false)]
    public void Resource_patterns_match_case_sensitively_with_wildcards(string pattern, string resource, bool matches)
    {
        var decision = Decide("iam:GetUser", resource, Alice(), new[] { Doc(Stmt("Allow", "\"iam:GetUser\"", "\"" + pattern + "\"")) });
        Assert.Equal(matches ? EvaluationDecision.Allowed : EvaluationDecision.ImplicitDeny, decision);
    }

    [Fact]
    public void Policy_variables_are_the_request_values_and_missing_ones_match_nothing()
    {
        string own = Doc(Stmt("Allow", "\"iam:*AccessKey*\"", "\"arn:aws:iam::*:user/${aws:username}\""));
        Assert.Equal(EvaluationDecision.Allowed, Decide("iam:CreateAccessKey", Resource, Alice(), new[] { own }));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide("iam:CreateAccessKey", "arn:aws:iam::123456789012:user/bob", Alice(), new[] { own }));
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide("iam:CreateAccessKey", Resource, new RequestContext(), new[] { own }));

        string withDefault = Doc(Stmt("Allow", "\"s3:GetObject\"", "\"arn:aws:s3:::home/${aws:username, 'guest'}/${*}\""));
        Assert.Equal(EvaluationDecision.Allowed, Decide("s3:GetObject", "arn:aws:s3:::home/guest/*", new RequestContext(), new[] { withDefault }));

        // Version 2008-10-17 has no variables: the text is literal.
        string old = "{\"Version\":\"2008-10-17\",\"Statement\":[" + Stmt("Allow", "\"iam:GetUser\"", "\"arn:aws:iam::*:user/${aws:username}\"") + "]}";
        Assert.Equal(EvaluationDecision.ImplicitDeny, Decide("iam:GetUser", Resource, Alice(), new[] { old }));
        Assert.Equal(EvaluationDecision.Allowed, Decide("iam:GetUser", "arn:aws:iam::1:user/${aws:username}", Alice(), new[] { old }));
    }

    [Theory]
    [InlineData("arn:aws:iam::*:user/${*}", "arn:aws:iam::1:user/*", true)]
    [InlineData("arn:aws:iam::*:user/${*}", "arn:aws:iam::1:user/victim", false)]
    [InlineData("arn:aws:iam::*:user/es${?}", "arn:aws:iam::1:user/es?", true)]
    [InlineData("arn:aws:iam::*:user/es${?}", "arn:aws:iam::1:user/esc", false)]
    [InlineData("arn:aws:iam::*:user/${$}${*}*", "arn:aws:iam::1:user/$*x", true)]
    [InlineData("arn:aws:iam::*:user/${$}${*}*", "arn:aws:iam::1:user/$x", false)]
    [InlineData("arn:aws:s3:::home/${aws:PrincipalTag/home}/*", "arn:aws:s3:::home/a*b/k", true)]
    [InlineData("arn:aws:s3:::home/${aws:PrincipalTag/home}/*", "arn:aws:s3:::home/axyzb/k", false)]
    public void Special_characters_and_variable_values_are_literal_in_a_resource(string pattern, string resource, bool matches)
    {
        // IAM User Guide, policy variables: ${*}, ${?} and ${$} stand for the character itself, not a wildcard.
        var context = Alice().Set("aws:PrincipalTag/home", "a*b");
        Assert.Equal(matches ? EvaluationDecision.Allowed : EvaluationDecision.ImplicitDeny,
            Decide("iam:GetUser", resource, context, new[] { Doc(Stmt("Allow", "\"iam:GetUser\"", "\"" + pattern + "\"")) }));
    }

    [Theory]
    [InlineData("StringLike", "esc${*}", "esc*", true)]
    [InlineData("StringLike", "esc${*}", "esc", false)]
    [InlineData("StringLike", "esc${*}", "escape", false)]
    [InlineData("StringLike", "e${?}*", "e?x", true)]
    [InlineData("StringLike", "e${?}*", "ex", false)]
    [InlineData("StringEquals", "esc${*}", "esc*", true)]
    [InlineData("StringEqualsIgnoreCase", "ESC${*}", "esc*", true)]
    [InlineData("StringNotEquals", "esc${*}", "esc*", false)]
    [InlineData("ArnLike", "arn:aws:iam::*:user/${*}", "arn:aws:iam::1:user/*", true)]
    [InlineData("ArnLike", "arn:aws:iam::*:user/${*}", "arn:aws:iam::1:user/victim", false)]
    [InlineData("ArnLike", "arn:aws:iam::*:user/${aws:userid}", "arn:aws:iam::1:user/AIDA:s", true)]
    public void Special_characters_are_literal_in_conditions(string op, string policyValue, string requestValue, bool holds)
    {
        var context = Alice().Set("test:key", requestValue).Set("aws:userid", "AIDA:s");
        var condition = "{\"" + op + "\":{\"test:key\":\"" + policyValue + "\"}}";
        Assert.Equal(holds ? EvaluationDecision.Allowed : EvaluationDecision.ImplicitDeny,
            Decide("iam:GetUser", Resource, context, new[] { Doc(Stmt("Allow", "\"iam:GetUser\"", condition: condition)) }));
    }

    [Fact]
    public void IfExists_conditions_hold_when_the_key_is_absent_and_test_it_when_present()
    {
        string mfaDeny = Doc(Stmt("Allow", "\"*\""), Stmt("Deny", "\"iam:ListUsers\"", condition: "{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}"));
        Assert.Equal(EvaluationDecision.ExplicitDeny, Decide("iam:ListUsers", "*", Alice(), new[] { mfaDeny }));
        Assert.Equal(EvaluationDecision.ExplicitDeny, Decide("iam:ListUsers", "*", Alice().Set("aws:MultiFactorAuthPresent", "false"), new[] { mfaDeny }));
        Assert.Equal(EvaluationDecision.Allowed, Decide("iam:ListUsers", "*", Alice().Set("aws:MultiFactorAuthPresent", "true"), new[] { mfaDeny }));

        // Without IfExists, a Bool test of an absent key is false, so this Deny does not apply.
        string plain = Doc(Stmt("Allow", "\"*\""), Stmt("Deny", "\"iam:ListUsers\"", condition: "{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"false\"}}"));
        var result = PolicyEvaluator.Evaluate("iam:ListUsers", "*", Alice(), Policies(plain), null);
        Assert.Equal(EvaluationDecision.Allowed, result.Decision);
        Assert.Contains("aws:MultiFactorAuthPresent", result.MissingContextValues);
    }

    [Theory]
    [InlineData("{\"StringEquals\":{\"aws:username\":[\"bob\",\"alice\"]}}", true)]
    [InlineData("{\"StringNotEquals\":{\"aws:username\":[\"bob\",\"alice\"]}}", false)]
    [InlineData("{\"StringEqualsIgnoreCase\":{\"aws:username\":\"ALICE\"}}", true)]
    [InlineData("{\"StringLike\":{\"aws:username\":\"al*\"}}", true)]
    [InlineData("{\"StringLike\":{\"aws:username\":\"${aws:username}\"}}", true)]
    [InlineData("{\"StringNotLike\":{\"aws:username\":\"al*\"}}", false)]
    [InlineData("{\"StringNotEquals\":{\"aws:PrincipalTag/team\":\"web\"}}", true)]
    [InlineData("{\"StringEquals\":{\"aws:PrincipalTag/team\":\"web\"}}", false)]
    [InlineData("{\"Null\":{\"aws:PrincipalTag/team\":\"true\"}}", true)]
    [InlineData("{\"Null\":{\"aws:username\":\"true\"}}", false)]
    [InlineData("{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}", true)]
    [InlineData("{\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"192.0.2.1\"]}}", false)]
    [InlineData("{\"NotIpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}", true)]
    [InlineData("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\"}}", true)]
    [InlineData("{\"DateLessThan\":{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\"}}", false)]
    [InlineData("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2026-01-01\"}}", true)]
    [InlineData("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"1767225600\"}}", true)]
    [InlineData("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"12/31/2025 00:00:00\"}}", false)] // not an IAM date form: no match
    [InlineData("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"Dec 31 2025\"}}", false)]
    [InlineData("{\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":\"3600\"}}", true)]
    [InlineData("{\"NumericGreaterThanEquals\":{\"aws:MultiFactorAuthAge\":\"300\"}}", false)]
    [InlineData("{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:user/a*\"}}", true)]
    [InlineData("{\"ArnEquals\":{\"aws:PrincipalArn\":\"arn:aws:iam::123456789012:user/bob\"}}", false)]
    [InlineData("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"team\",\"cost\"]}}", true)]
    [InlineData("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":\"team\"}}", false)]
    [InlineData("{\"ForAllValues:StringEquals\":{\"aws:CalledVia\":\"x\"}}", true)]
    [InlineData("{\"ForAnyValue:StringEquals\":{\"aws:CalledVia\":\"x\"}}", false)]
    [InlineData("{\"StringEquals\":{\"aws:username\":\"alice\"},\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}", false)]
    public void Condition_operators_follow_IAMs_rules(string condition, bool holds)
    {
        var context = Alice().Set("aws:MultiFactorAuthAge", "120").Set("aws:PrincipalArn", Resource).Set("aws:TagKeys", new[] { "cost" });
        var decision = Decide("iam:GetUser", Resource, context, new[] { Doc(Stmt("Allow", "\"iam:GetUser\"", condition: condition)) });
        Assert.Equal(holds ? EvaluationDecision.Allowed : EvaluationDecision.ImplicitDeny, decision);
    }

    [Fact]
    public void Matched_statements_carry_their_position_in_the_document()
    {
        string document = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n    {\"Effect\": \"Allow\", \"Action\": \"iam:*\", \"Resource\": \"*\"}\n  ]\n}";
        var result = PolicyEvaluator.Evaluate("iam:GetUser", Resource, Alice(), Policies(document), null);
        var statement = Assert.Single(result.MatchedStatements).Statement;
        Assert.Equal((5, 5), (statement.Start.Line, statement.Start.Column));
        Assert.Equal((5, 60), (statement.End.Line, statement.End.Column));
    }

    [Fact]
    public void Unknown_operators_and_bad_effects_are_refused_when_parsed()
    {
        Assert.Throws<PolicyParseException>(() => PolicyParser.Parse(Doc(Stmt("Allow", "\"*\"", condition: "{\"StringSorta\":{\"a:b\":\"c\"}}"))));
        Assert.Throws<PolicyParseException>(() => PolicyParser.Parse(Doc(Stmt("Maybe", "\"*\""))));

        // IfExists goes on every operator but Null; names are spelt exactly as IAM documents them.
        Assert.Throws<PolicyParseException>(() => PolicyParser.Parse(Doc(Stmt("Allow", "\"*\"", condition: "{\"NullIfExists\":{\"a:b\":\"true\"}}"))));
        Assert.Throws<PolicyParseException>(() => PolicyParser.Parse(Doc(Stmt("Allow", "\"*\"", condition: "{\"stringequals\":{\"a:b\":\"c\"}}"))));
    }
}
