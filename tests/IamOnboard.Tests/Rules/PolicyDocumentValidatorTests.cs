using System.Linq;
using IamOnboard.Rules;
using Xunit;

namespace IamOnboard.Tests.Rules;

public class PolicyDocumentValidatorTests
{
    private const string ReadOnlyS3 = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "ReadBucket",
              "Effect": "Allow",
              "Action": ["s3:GetObject", "s3:List*"],
              "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/${aws:username}/*"],
              "Condition": { "Bool": { "aws:MultiFactorAuthPresent": "true" }, "NumericLessThan": { "s3:max-keys": [10, 20] } }
            },
            { "Effect": "Deny", "NotAction": "iam:*", "NotResource": "*" }
          ]
        }
        """;

    private const string AssumeRoleTrust = """
        {"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com","AWS":["arn:aws:iam::123456789012:root"]},"Action":"sts:AssumeRole"}}
        """;

    private static PolicyProblem SingleProblem(string document, PolicyDocumentKind kind = PolicyDocumentKind.Identity)
    {
        var result = PolicyDocumentValidator.Validate(document, kind);
        Assert.False(result.IsValid);
        return Assert.Single(result.Problems);
    }

    private static string Identity(string statement) => "{\"Version\":\"2012-10-17\",\"Statement\":[" + statement + "]}";

    [Fact]
    public void A_well_formed_identity_policy_is_valid()
    {
        var result = PolicyDocumentValidator.Validate(ReadOnlyS3, PolicyDocumentKind.Identity);

        Assert.True(result.IsValid, result.Summary);
        Assert.Empty(result.Summary);
        Assert.Equal(PolicyDocumentValidator.CountNonWhitespace(ReadOnlyS3), result.NonWhitespaceLength);
    }

    [Fact]
    public void A_trust_policy_needs_a_principal_and_no_resource()
    {
        Assert.True(PolicyDocumentValidator.Validate(AssumeRoleTrust, PolicyDocumentKind.Trust).IsValid);

        var asIdentity = PolicyDocumentValidator.Validate(AssumeRoleTrust, PolicyDocumentKind.Identity);
        Assert.Equal(new[] { "Statement.Resource", "Statement.Principal" }, asIdentity.Problems.Select(p => p.Location));

        var withResource = SingleProblem(AssumeRoleTrust.Replace("\"Action\"", "\"Resource\":\"*\",\"Action\""), PolicyDocumentKind.Trust);
        Assert.Equal("Statement.Resource", withResource.Location);
    }

    [Fact]
    public void A_resource_policy_needs_principal_and_resource()
    {
        string bucketPolicy = Identity("""{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*","Sid":"Public read"}""");
        Assert.True(PolicyDocumentValidator.Validate(bucketPolicy, PolicyDocumentKind.Resource).IsValid);

        var noPrincipal = SingleProblem(Identity("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"""), PolicyDocumentKind.Resource);
        Assert.Equal("Statement[0]: has neither Principal nor NotPrincipal; exactly one is required.", noPrincipal.Message);
    }

    [Fact]
    public void Version_may_be_missing_but_not_wrong()
    {
        Assert.True(PolicyDocumentValidator.Validate("""{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""", PolicyDocumentKind.Identity).IsValid);
        Assert.True(PolicyDocumentValidator.Validate("""{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""", PolicyDocumentKind.Identity).IsValid);

        var problem = SingleProblem("""{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""");
        Assert.Equal("Version", problem.Location);
        Assert.Equal("Version must be \"2012-10-17\" or \"2008-10-17\", found \"2012-10-18\".", problem.Message);
    }

    [Fact]
    public void Effect_is_exact_and_case_sensitive()
    {
        var problem = SingleProblem(Identity("""{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"allow","Action":"*","Resource":"*"}"""));

        Assert.Equal("Statement[1].Effect", problem.Location);
        Assert.Equal("Statement[1]: Effect must be \"Allow\" or \"Deny\", found \"allow\".", problem.Message);
    }

    [Fact]
    public void Effect_is_required()
    {
        var problem = SingleProblem(Identity("""{"Action":"*","Resource":"*"}"""));
        Assert.Equal("Statement[0].Effect", problem.Location);
        Assert.Contains("Effect is missing", problem.Message);
    }

    [Fact]
    public void Action_and_NotAction_are_mutually_exclusive_and_one_is_required()
    {
        Assert.Contains("has both Action and NotAction", SingleProblem(Identity("""{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}""")).Message);
        Assert.Contains("has neither Action nor NotAction", SingleProblem(Identity("""{"Effect":"Allow","Resource":"*"}""")).Message);
        Assert.Contains("has neither Resource nor NotResource", SingleProblem(Identity("""{"Effect":"Allow","Action":"*"}""")).Message);
    }

    [Theory]
    [InlineData("\"GetObject\"", "Statement[0].Action")]
    [InlineData("[\"s3:GetObject\", \"s3 :Get\"]", "Statement[0].Action[1]")]
    [InlineData("[\"s*:Get\"]", "Statement[0].Action[0]")]
    [InlineData("[]", "Statement[0].Action")]
    [InlineData("[\"s3:Get\", 5]", "Statement[0].Action[1]")]
    [InlineData("{\"s3\":\"Get\"}", "Statement[0].Action")]
    public void Actions_must_be_star_or_service_colon_action(string action, string location)
    {
        var problem = SingleProblem(Identity("{\"Effect\":\"Allow\",\"Action\":" + action + ",\"Resource\":\"*\"}"));
        Assert.Equal(location, problem.Location);
    }

    [Fact]
    public void Resources_must_be_star_or_arns()
    {
        var problem = SingleProblem(Identity("""{"Effect":"Allow","Action":"s3:*","Resource":["*","my-bucket"]}"""));
        Assert.Equal("Statement[0].Resource[1]", problem.Location);
        Assert.StartsWith("Statement[0].Resource[1]: \"my-bucket\" is not a valid resource", problem.Message);
    }

    [Fact]
    public void Identity_policies_must_not_name_a_principal()
    {
        var problem = SingleProblem(Identity("""{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"""));
        Assert.Equal("Statement[0].Principal", problem.Location);
        Assert.Contains("not allowed in an identity policy", problem.Message);
    }

    [Fact]
    public void Principal_objects_name_known_kinds()
    {
        var problem = SingleProblem("""{"Statement":{"Effect":"Allow","Principal":{"User":"alice"},"Action":"sts:AssumeRole"}}""", PolicyDocumentKind.Trust);
        Assert.Equal("Statement.Principal.User", problem.Location);

        Assert.Equal("Statement.Principal", SingleProblem("""{"Statement":{"Effect":"Allow","Principal":"alice","Action":"sts:AssumeRole"}}""", PolicyDocumentKind.Trust).Location);
    }

    [Fact]
    public void Sids_are_alphanumeric_and_unique()
    {
        var duplicate = SingleProblem(Identity("""{"Sid":"A1","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A1","Effect":"Deny","Action":"*","Resource":"*"}"""));
        Assert.Equal("Statement[1].Sid", duplicate.Location);
        Assert.Contains("already used by Statement[0]", duplicate.Message);

        Assert.Contains("only letters", SingleProblem(Identity("""{"Sid":"read-all","Effect":"Allow","Action":"*","Resource":"*"}""")).Message);
        Assert.Contains("must be a string", SingleProblem(Identity("""{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}""")).Message);
    }

    [Theory]
    [InlineData("\"Condition\":\"x\"", "Statement[0].Condition")]
    [InlineData("\"Condition\":{\"StringEquals\":\"x\"}", "Statement[0].Condition.StringEquals")]
    [InlineData("\"Condition\":{\"StringEquals\":{\"aws:username\":{\"a\":1}}}", "Statement[0].Condition.StringEquals.aws:username")]
    [InlineData("\"Condition\":{\"Null\":{\"aws:TokenIssueTime\":null}}", "Statement[0].Condition.Null.aws:TokenIssueTime")]
    public void Conditions_are_objects_of_objects_of_scalars(string condition, string location) =>
        Assert.Equal(location, SingleProblem(Identity("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"," + condition + "}")).Location);

    [Theory]
    [InlineData("NotIpAddres", "IpAddress, Bool")]
    [InlineData("StringEqualz", "IpAddress, Bool")]
    [InlineData("ForAnyValues:StringEquals", "IpAddress, Bool")]
    [InlineData("NullIfExists", "Null takes neither IfExists")]
    [InlineData("ForAllValues:Null", "Null takes neither IfExists")]
    [InlineData("stringequals", "did you mean \"StringEquals\"? operator names are case-sensitive")]
    [InlineData("ForAnyValue:stringLikeIfExists", "did you mean \"ForAnyValue:StringLikeIfExists\"?")]
    public void Unknown_condition_operators_are_rejected_naming_statement_and_operator(string op, string hint)
    {
        var problem = SingleProblem(Identity("""{"Effect":"Deny","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{""" +
            "\"" + op + "\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}"));

        Assert.Equal("Statement[1].Condition." + op, problem.Location);
        Assert.StartsWith($"Statement[1].Condition: \"{op}\" is not a condition operator", problem.Message);
        Assert.Contains(hint, problem.Message);
    }

    [Theory]
    [InlineData("Null")]
    [InlineData("StringNotEqualsIgnoreCase")]
    [InlineData("ForAllValues:StringLikeIfExists")]
    [InlineData("ForAnyValue:ArnNotLike")]
    [InlineData("NotIpAddressIfExists")]
    [InlineData("DateGreaterThanEquals")]
    public void Every_documented_form_of_an_operator_is_accepted(string op) =>
        Assert.True(PolicyDocumentValidator.Validate(Identity("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"" + op + "\":{\"aws:username\":\"a\"}}}"),
            PolicyDocumentKind.Identity).IsValid);

    [Fact]
    public void Grammar_messages_name_their_location_once()
    {
        // Callers print the message alone; the location is in it already.
        var problem = SingleProblem(Identity("""{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}"""));
        Assert.Equal("Statement[0].Principal", problem.Location);
        Assert.StartsWith("Statement[0]: Principal is not allowed", problem.Message);

        var offline = Assert.Throws<IamOnboard.Onboarding.OnboardInputException>(() => IamOnboard.Onboarding.InlinePolicyWriter.ValidateOffline("p",
            Identity("""{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}""")));
        Assert.Contains(": Statement[0]: Principal is not allowed", offline.Message);
        Assert.DoesNotContain("Statement[0].Principal: Statement[0]", offline.Message);
    }

    [Fact]
    public void Unknown_elements_are_rejected_with_a_case_hint()
    {
        var statementProblem = SingleProblem(Identity("""{"effect":"Allow","Effect":"Allow","Action":"*","Resource":"*"}"""));
        Assert.Equal("Statement[0].effect", statementProblem.Location);
        Assert.Contains("did you mean \"Effect\"", statementProblem.Message);

        var topProblem = SingleProblem("""{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"},"Comment":"x"}""");
        Assert.Equal("Comment", topProblem.Location);
    }

    [Fact]
    public void Duplicate_elements_are_rejected() =>
        Assert.Contains("appears more than once", SingleProblem(Identity("""{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}""")).Message);

    [Theory]
    [InlineData("""{"StringEquals":{"aws:username":"ana"},"StringEquals":{"aws:username":"bea"}}""", "Statement[0].Condition.StringEquals",
        "Statement[0].Condition: condition operator \"StringEquals\" appears more than once")]
    [InlineData("""{"StringEquals":{"aws:username":"ana","aws:username":"bea"}}""", "Statement[0].Condition.StringEquals.aws:username",
        "Statement[0].Condition.StringEquals: condition key \"aws:username\" appears more than once")]
    public void Duplicate_condition_operators_and_keys_are_rejected(string condition, string location, string message)
    {
        // IAM and the AWS CLI keep the last of two same-named members; an evaluator reading both would decide otherwise.
        var problem = SingleProblem(Identity("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":""" + condition + "}"));
        Assert.Equal(location, problem.Location);
        Assert.StartsWith(message, problem.Message);
    }

    [Theory]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"iam:ChangePassword","Resource":"arn:aws:iam::*:user/${aws:username}"}]}""",
        "Statement[0].Resource: the policy variable ${aws:username} is replaced only under \"Version\": \"2012-10-17\"; this policy has no Version")]
    [InlineData("""{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*","${aws:userid}"]}}}}""",
        "Statement.Condition: the policy variables ${aws:username}, ${aws:userid} are replaced only under \"Version\": \"2012-10-17\"; this policy's Version is \"2008-10-17\"")]
    public void A_policy_variable_without_version_2012_10_17_is_valid_with_a_warning(string document, string warning)
    {
        var result = PolicyDocumentValidator.Validate(document, PolicyDocumentKind.Identity);
        Assert.True(result.IsValid, result.Summary);
        Assert.StartsWith(warning, Assert.Single(result.Warnings).Message);
    }

    [Fact]
    public void A_policy_variable_under_version_2012_10_17_gives_no_warning() =>
        Assert.Empty(PolicyDocumentValidator.Validate(ReadOnlyS3, PolicyDocumentKind.Identity).Warnings);

    [Theory]
    [InlineData('\u00A0', "U+00A0 (no-break space)")]
    [InlineData('\u00AD', "U+00AD (soft hyphen)")]
    [InlineData('\u0085', "U+0085 (a control character)")]
    public void An_invisible_character_outside_strings_is_named_by_code_point(char invisible, string name)
    {
        // Pasted from a web page, a no-break space looks like an ordinary one: "' ' cannot start a name" explains nothing.
        string document = "{\n" + invisible + invisible + "\"Version\": \"2012-10-17\"}";
        var problem = SingleProblem(document);
        Assert.Equal("line 2, position 1", problem.Location);
        Assert.Contains(name + " is not white space JSON allows outside strings", problem.Message);
    }

    [Theory]
    [InlineData("""{"Version":"2012-10-17"}""", "Statement")]
    [InlineData("""{"Statement":[]}""", "Statement")]
    [InlineData("""{"Statement":"Allow"}""", "Statement")]
    [InlineData("""{"Statement":[1]}""", "Statement[0]")]
    [InlineData("""[{"Effect":"Allow"}]""", "(document)")]
    public void The_document_shape_is_checked(string document, string location) =>
        Assert.Equal(location, SingleProblem(document).Location);

    [Theory]
    [InlineData("{\"Version\":\"2012-10-17\",}", "line 1, position 25", "a comma just before '}' (a trailing comma)")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\"},]}", "line 1, position 34", "a comma just before ']' (a trailing comma)")]
    [InlineData("{\"Version\":\"2012-10-17\" // mine\n}", "line 1, position 25", "comments (// or /* */) are not allowed")]
    [InlineData("{'Version':'2012-10-17'}", "line 1, position 2", "double quotes (\"), not single quotes")]
    [InlineData("{Version:\"2012-10-17\"}", "line 1, position 2", "the name Version must be in double quotes")]
    [InlineData("{\"Version\" \"2012-10-17\"}", "line 1, position 12", "a ':' is missing after the name \"Version\"")]
    [InlineData("{\"Version\":\"2012-10-17\" \"Id\":\"x\"}", "line 1, position 25", "a ',' is missing before '\"'")]
    [InlineData("{\"Version\":\"2012-10-17\"", "line 1, position 24", "the document ends before every { and [ in it is closed")]
    [InlineData("{\"Version\":\"2012-10-17}", "line 1, position 24", "a string is not closed")]
    [InlineData("{\"Version\":\"2012-10-17\"}}", "line 1, position 25", "more text after the end of the policy")]
    [InlineData("not json", "line 1, position 2", "must start with '{'")]
    [InlineData("{\"Id\":True}", "line 1, position 7", "True is not a JSON value")]
    [InlineData("{\"Id\":\"a\\qb\"}", "line 1, position 10", "\\q is not an escape JSON knows")]
    [InlineData("{\"Id\":\"a\tb\"}", "line 1, position 9", "a control character (U+0009) is inside a string")]
    public void Json_syntax_errors_say_what_is_wrong_in_a_policy_writers_terms(string document, string location, string explanation)
    {
        var problem = SingleProblem(document);

        Assert.Equal(location, problem.Location);
        Assert.Contains(explanation, problem.Message);
        Assert.StartsWith($"The policy is not valid JSON at {location}: ", problem.Message);
        Assert.DoesNotContain("reader options", problem.Message);
        Assert.DoesNotContain("this mode", problem.Message);
    }

    [Fact]
    public void Json_syntax_errors_give_one_based_line_and_character_position()
    {
        // The unexpected second string starts at character 16 of line 3; the Latin-1 letter before it is two UTF-8 bytes,
        // so a byte count would say 17.
        string document = "{\n  \"Version\": \"2012-10-17\",\n  \"Id\": \"caf\u00e9\" \"Statement\": []\n}";

        var problem = SingleProblem(document);

        Assert.Equal("line 3, position 16", problem.Location);
        Assert.StartsWith("The policy is not valid JSON at line 3, position 16: ", problem.Message);
        Assert.DoesNotContain("LineNumber", problem.Message);
    }

    [Fact]
    public void Trailing_commas_are_syntax_errors() =>
        Assert.StartsWith("line 1, position ", SingleProblem("""{"Statement":{"Effect":"Allow","Action":"*","Resource":"*",}}""").Location);

    [Fact]
    public void Characters_outside_latin1_are_reported_by_position_and_code_point()
    {
        string document = "{\n  \"Id\": \"a\u2019b\"}";

        var problem = SingleProblem(document);

        Assert.Equal("line 2, position 11", problem.Location);
        Assert.Contains("U+2019", problem.Message);
    }

    [Fact]
    public void Latin1_characters_and_tab_cr_lf_are_allowed() =>
        Assert.True(PolicyDocumentValidator.Validate("{\r\n\t\"Id\": \"\u00ff\u00e9\u0020\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}", PolicyDocumentKind.Identity).IsValid);

    [Fact]
    public void An_empty_document_is_malformed() =>
        Assert.Equal("The policy document is empty.", SingleProblem(" \n ").Message);

    [Fact]
    public void CountNonWhitespace_skips_json_whitespace_everywhere()
    {
        Assert.Equal(0, PolicyDocumentValidator.CountNonWhitespace(" \t\r\n"));
        Assert.Equal(11, PolicyDocumentValidator.CountNonWhitespace("{ \"a b\" :\t\"c d\" }\n"));
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        var result = PolicyDocumentValidator.Validate(Identity("""{"Effect":"allow","Action":"GetObject"}"""), PolicyDocumentKind.Identity);

        Assert.Equal(new[] { "Statement[0].Effect", "Statement[0].Action", "Statement[0].Resource" }, result.Problems.Select(p => p.Location));
        Assert.Equal(string.Join(" ", result.Problems.Select(p => p.Message)), result.Summary);
    }
}
