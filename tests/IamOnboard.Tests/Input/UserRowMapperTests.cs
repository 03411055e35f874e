using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Security;
using IamOnboard.Input;
using IamOnboard.Onboarding;
using Xunit;

namespace IamOnboard.Tests.Input;

public class UserRowMapperTests
{
    private static KeyValuePair<string, object?> Cell(string name, object? value) => new(name, value);

    private static UserRowMapping Map(params KeyValuePair<string, object?>[] cells) => UserRowMapper.Map(cells, 4, null);

    private static IEnumerable<string> TagText(UserOnboardingRequest request) => request.Tags.Select(t => t.Key + "=" + t.Value);

    [Theory]
    [InlineData("Console access")]
    [InlineData("ConsoleAccess")]
    [InlineData("console_access")]
    [InlineData("CONSOLE-ACCESS")]
    public void Every_documented_column_binds_from_its_spaced_and_unspaced_forms_in_any_case(string header)
    {
        var mapping = Map(Cell("user name", "ana"), Cell(header, "Yes"), Cell("Programmatic access", "y"), Cell("Password reset required", "1"),
            Cell("Additional access key", "true"), Cell("Permissions boundary", "arn:aws:iam::aws:policy/PowerUserAccess"), Cell("GROUPS", "a;b"), Cell("policy arn", "ReadOnlyAccess"));

        var request = mapping.Request!;
        Assert.Null(mapping.Problem);
        Assert.True(request.ConsoleAccess && request.ProgrammaticAccess && request.PasswordResetRequired && request.AdditionalAccessKey);
        Assert.Equal("arn:aws:iam::aws:policy/PowerUserAccess", request.PermissionsBoundary);
        Assert.Equal(new[] { "a", "b" }, request.Groups);
        Assert.Equal(new[] { "ReadOnlyAccess" }, request.Policies);
        Assert.Equal(4, request.Row);
    }

    [Fact]
    public void A_bad_yes_no_cell_names_row_field_and_value_as_data()
    {
        var problem = Map(Cell("UserName", "ana"), Cell("Console access", "maybe")).Problem!;

        Assert.Equal(("InvalidYesNo", "ConsoleAccess", "maybe", 4), (problem.ErrorId, problem.Field, problem.Value, problem.Row));
        Assert.StartsWith("ConsoleAccess: 'maybe'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_columns_are_listed_and_attributes_iam_reports_are_passed_over()
    {
        var mapping = Map(Cell("UserName", "ana"), Cell("Department", "Finance"), Cell("Arn", "arn:aws:iam::1:user/ana"), Cell("UserId", "AIDA"));

        Assert.NotNull(mapping.Request);
        Assert.Equal(new[] { "Department" }, mapping.UnknownColumns);
        Assert.Equal(new[] { "Arn", "UserId" }, mapping.PassedOver);
    }

    [Fact]
    public void A_yes_that_cannot_take_effect_is_said_once_where_its_cells_are_read()
    {
        var mapping = Map(Cell("UserName", "ana"), Cell("ConsoleAccess", "no"), Cell("Password reset required", "1"), Cell("AdditionalAccessKey", "yes"));

        Assert.NotNull(mapping.Request);
        Assert.Equal(2, mapping.Ignored.Count);
        Assert.StartsWith("Password reset required: '1' has no effect without ConsoleAccess", mapping.Ignored[0], StringComparison.Ordinal);
        Assert.StartsWith("AdditionalAccessKey: 'yes' has no effect without ProgrammaticAccess", mapping.Ignored[1], StringComparison.Ordinal);

        // Parameters on a request already read: said again only when they touch the two fields, named as parameters.
        var read = mapping.Request!;
        Assert.Empty(UserRowMapper.Map(new[] { Cell("Group", "Developers") }, null, null, read, new[] { "Group" }).Ignored);
        var given = UserRowMapper.Map(new[] { Cell("ProgrammaticAccess", false) }, null, null, read, new[] { "ProgrammaticAccess" }).Ignored;
        Assert.Equal(new[] { "AdditionalAccessKey: 'yes' has no effect without -ProgrammaticAccess: no access key is made for 'ana'; leave AdditionalAccessKey empty" }, given);
        Assert.Empty(Map(Cell("UserName", "ana"), Cell("ConsoleAccess", "yes"), Cell("PasswordResetRequired", "yes"), Cell("AdditionalAccessKey", "")).Ignored);
    }

    [Fact]
    public void The_aws_tools_tag_forms_give_the_tags_they_mean()
    {
        var one = new Hashtable { ["Key"] = "team", ["Value"] = "data" };
        var list = new List<object?> { new OrderedDictionary { ["Key"] = "team", ["Value"] = "data" }, new OrderedDictionary { ["key"] = "cost", ["value"] = 7 } };

        Assert.Equal(new[] { "team=data" }, TagText(Map(Cell("UserName", "a"), Cell("Tag", one)).Request!));
        Assert.Equal(new[] { "team=data", "cost=7" }, TagText(Map(Cell("UserName", "a"), Cell("Tags", list)).Request!));
        Assert.Equal(new[] { "team=data", "site=x" }, TagText(Map(Cell("UserName", "a"), Cell("Tag", new OrderedDictionary { ["team"] = "data", ["site"] = "x" })).Request!));
    }

    [Fact]
    public void A_nested_table_as_a_tag_value_and_a_key_given_twice_in_any_case_are_refused()
    {
        var nested = Map(Cell("UserName", "a"), Cell("Tag", new Hashtable { ["team"] = new Hashtable { ["x"] = 1 } })).Problem!;
        var twice = Map(Cell("UserName", "a"), Cell("Tag", "team=a;Team=b")).Problem!;

        Assert.Equal("InvalidTag", nested.ErrorId);
        Assert.Contains("table", nested.Message, StringComparison.Ordinal);
        Assert.Equal("InvalidTag", twice.ErrorId);
        Assert.Contains("Team", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_text_password_is_refused_without_echoing_it_and_a_secure_one_means_console_access()
    {
        var plain = Map(Cell("UserName", "a"), Cell("Password", "Secret-123!")).Problem!;
        using var secure = new SecureString();
        secure.AppendChar('x');

        Assert.Equal("PasswordNotSecure", plain.ErrorId);
        Assert.DoesNotContain("Secret-123!", plain.Message, StringComparison.Ordinal);
        Assert.Null(plain.Value);
        Assert.True(Map(Cell("UserName", "a"), Cell("Password", secure)).Request!.ConsoleAccess);
    }

    [Fact]
    public void A_row_of_a_credentials_file_is_refused_naming_its_secret_columns_never_their_values_even_where_they_are_empty()
    {
        var secret = Guid.NewGuid().ToString("N");
        var password = "P!" + Guid.NewGuid().ToString("N");
        var console = Map(Cell("User name", "ana"), Cell("Password", password), Cell("Access key ID", "AKIAEXAMPLE"), Cell("Secret access key", secret),
            Cell("Console sign-in URL", "https://example.test/console"));
        var keyOnly = Map(Cell("User name", "ben"), Cell("Password", ""), Cell("Access key ID", ""), Cell("Secret access key", ""), Cell("MFA seed", ""));
        var cliNames = Map(Cell("UserName", "carl"), Cell("aws_secret_access_key", secret));
        // The console's file of users given a password has no key columns: its sign-in link tells it, also where a password is empty.
        var passwordsOnly = Map(Cell("User name", "dora"), Cell("Password", ""), Cell("Console sign-in URL", "https://example.test/console"));

        Assert.Equal(("SecretInInput", "Secret access key", null), (console.Problem!.ErrorId, console.Problem.Field, console.Problem.Value));
        Assert.StartsWith("'Password', 'Secret access key' hold secrets: this is a credentials file", console.Problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, console.Problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, console.Problem.Message, StringComparison.Ordinal);
        Assert.True(console.HoldsSecrets);
        Assert.Empty(console.UnknownColumns);
        Assert.Equal("ana", console.UserName);
        Assert.Equal("SecretInInput", keyOnly.Problem!.ErrorId);
        Assert.StartsWith("'Password', 'Secret access key', 'MFA seed' hold secrets", keyOnly.Problem.Message, StringComparison.Ordinal);
        Assert.Equal(("SecretInInput", "aws_secret_access_key"), (cliNames.Problem!.ErrorId, cliNames.Problem.Field));
        Assert.Equal(("SecretInInput", "Password"), (passwordsOnly.Problem!.ErrorId, passwordsOnly.Problem.Field));
        Assert.StartsWith("'Password' holds secrets: this is a credentials file", passwordsOnly.Problem.Message, StringComparison.Ordinal);
        Assert.Null(Map(Cell("User name", "erin"), Cell("Password", ""), Cell("Department", "x")).Problem);
        Assert.True(Map(Cell("UserName", "a"), Cell("Password", "Secret-123!")).HoldsSecrets);
        Assert.False(Map(Cell("UserName", "a"), Cell("Path", "bad")).HoldsSecrets);
    }

    [Theory]
    [InlineData("ana\u200Blima", "UserName", "character 4 is U+200B (zero-width space), which IAM does not allow in a name")]
    [InlineData("\u0430na.lima", "UserName", "character 1 is U+0430, which IAM does not allow in a name")]
    [InlineData("\u201Cana.lima\u201D", "UserName", "character 1 is U+201C (left double quotation mark)")]
    [InlineData("ana\u2013lima", "UserName", "character 4 is U+2013 (en dash)")]
    [InlineData("/eng\u00A0ops/", "Path", "character 5 is U+00A0 (no-break space), which IAM does not allow in a path")]
    [InlineData("Dev\uFEFFelopers", "Group", "character 4 is U+FEFF (byte order mark)")]
    public void A_character_that_looks_allowed_but_is_not_is_named_by_code_point(string value, string column, string named)
    {
        var cells = column == "UserName" ? new[] { Cell("User name", value) } : new[] { Cell("User name", "ana"), Cell(column, value) };

        var problem = Map(cells).Problem!;

        Assert.Equal(column, problem.Field);
        Assert.Contains(named, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plainly_visible_bad_character_is_said_as_before()
    {
        var problem = Map(Cell("User name", "bad name!")).Problem!;

        Assert.Equal("InvalidUserName", problem.ErrorId);
        Assert.DoesNotContain("character", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cells_apply_on_top_of_a_request_so_command_line_values_override_a_read_row()
    {
        var read = new UserOnboardingRequest { UserName = "ana", Path = "/a/", Row = 2, Line = 3 };

        var request = UserRowMapper.Map(new[] { Cell("ProgrammaticAccess", true), Cell("Path", "/b/") }, null, null, read).Request!;

        Assert.Equal(("ana", "/b/", true, 2, 3), (request.UserName, request.Path, request.ProgrammaticAccess, request.Row, request.Line));
        Assert.Equal("/a/", read.Path);
    }

    [Fact]
    public void A_column_given_twice_under_two_names_is_refused_rather_than_one_silently_winning()
    {
        var problem = Map(Cell("UserName", "a"), Cell("Console access", "yes"), Cell("ConsoleAccess", "no")).Problem!;

        Assert.Equal("ColumnRepeated", problem.ErrorId);
    }

    [Fact]
    public void Get_IAMUser_shaped_input_binds_its_name_path_tags_and_boundary()
    {
        var tags = new List<object?> { new OrderedDictionary { ["Key"] = "team", ["Value"] = "data" } };
        var boundary = new OrderedDictionary { ["PermissionsBoundaryArn"] = "arn:aws:iam::aws:policy/PowerUserAccess", ["PermissionsBoundaryType"] = "Policy" };

        var mapping = Map(Cell("UserName", "ana"), Cell("Path", "/x/"), Cell("Arn", "arn:aws:iam::1:user/x/ana"), Cell("Tags", tags),
            Cell("PermissionsBoundary", boundary), Cell("CreateDate", DateTime.UtcNow));

        var request = mapping.Request!;
        Assert.Equal(("ana", "/x/", "arn:aws:iam::aws:policy/PowerUserAccess"), (request.UserName, request.Path, request.PermissionsBoundary));
        Assert.Equal(new[] { "team=data" }, TagText(request));
        Assert.Empty(mapping.UnknownColumns);
    }

    [Fact]
    public void A_repeated_name_in_a_batch_is_refused_naming_both_rows()
    {
        var names = new BatchUserNames();

        Assert.Null(names.Check(new UserOnboardingRequest { UserName = "ana.x", Row = 2 }));
        var problem = names.Check(new UserOnboardingRequest { UserName = "ANA.X", Row = 5 })!;

        Assert.Equal(("DuplicateUserName", 5), (problem.ErrorId, problem.Row));
        Assert.Contains("repeats row 2", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_that_replace_a_rows_cells_are_listed_with_both_values_but_never_a_password()
    {
        var secret = new SecureString();
        foreach (var c in "Row-Pass-1!") { secret.AppendChar(c); }
        var parameter = new SecureString();
        foreach (var c in "Param-Pass-2!") { parameter.AppendChar(c); }

        var replaced = UserRowMapper.ReplacedByParameters(null,
            new[] { Cell("User name", "ana"), Cell("Groups", "Ops; Devs"), Cell("Path", "/eng/"), Cell("Tags", "Team=a"), Cell("Password", secret), Cell("Console access", "no") },
            new[] { Cell("Group", "devs;OPS"), Cell("Path", "/fin/"), Cell("Tag", "team=b"), Cell("Password", parameter), Cell("ConsoleAccess", true) });

        // Groups name the same two (IAM names ignore case); a row's "no" is the default, which -ConsoleAccess does not replace.
        Assert.Equal(new[] { ("Path", "Path", "/eng/", "/fin/"), ("Tag", "Tags", "Team=a", "team=b"), ("Password", "Password", "(a password)", "(a password)") },
            replaced.Select(r => (r.Column, r.Header, r.RowGives, r.ParameterGives!)).ToArray());
    }

    [Fact]
    public void Parameters_over_an_Import_OnboardCsv_request_list_what_they_replace_of_it()
    {
        var typed = new UserOnboardingRequest { UserName = "ana", Groups = new[] { "Ops" }, ProgrammaticAccess = true };

        var replaced = UserRowMapper.ReplacedByParameters(typed, Array.Empty<KeyValuePair<string, object?>>(), new[] { Cell("Group", "Devs"), Cell("ProgrammaticAccess", false) });

        Assert.Equal(new[] { ("Group", "Ops", (string?)"Devs"), ("ProgrammaticAccess", "yes", null) }, replaced.Select(r => (r.Column, r.RowGives, r.ParameterGives)).ToArray());
        Assert.Equal(new[] { "Ops" }, typed.Groups);
    }
}
