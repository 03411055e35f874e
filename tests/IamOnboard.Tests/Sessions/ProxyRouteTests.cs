using System;
using System.Collections.Generic;
using IamOnboard.AwsSdk;
using IamOnboard.Sessions;
using Xunit;

namespace IamOnboard.Tests.Sessions;

/// <summary>
/// The proxy variables read as the AWS CLI reads them (Python's getproxies_environment and proxy_bypass_environment),
/// from a stand-in environment so no test changes the process's. The route through a real proxy is in
/// tests/pester/Network.Tests.ps1.
/// </summary>
public sealed class ProxyRouteTests
{
    private static ProxyRoute Route(params (string Name, string Value)[] variables)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return ProxyRoute.FromEnvironment(name => environment.TryGetValue(name, out var value) ? value : null);
    }

    [Fact]
    public void Https_and_http_urls_each_take_their_own_variable()
    {
        var route = Route(("HTTPS_PROXY", "http://secure-proxy.corp.test:3128"), ("HTTP_PROXY", "http://plain-proxy.corp.test:8080"));

        Assert.Equal("http://secure-proxy.corp.test:3128/", route.ProxyFor("https://iam.amazonaws.com/")?.AbsoluteUri);
        Assert.Equal("http://plain-proxy.corp.test:8080/", route.ProxyFor("http://iam.corp.test:9000/")?.AbsoluteUri);
    }

    [Fact]
    public void The_lower_case_name_wins_and_set_empty_turns_the_proxy_off()
    {
        Assert.Equal("http://lower.corp.test:1/", Route(("https_proxy", "http://lower.corp.test:1"), ("HTTPS_PROXY", "http://upper.corp.test:2")).ProxyFor("https://sts.amazonaws.com/")?.AbsoluteUri);
        Assert.Null(Route(("https_proxy", string.Empty), ("HTTPS_PROXY", "http://upper.corp.test:2")).ProxyFor("https://sts.amazonaws.com/"));
    }

    [Fact]
    public void A_value_without_a_scheme_is_an_http_proxy_and_all_proxy_fills_in()
    {
        Assert.Equal("http://proxy.corp.test:3128/", Route(("HTTPS_PROXY", "proxy.corp.test:3128")).ProxyFor("https://iam.amazonaws.com/")?.AbsoluteUri);
        Assert.Equal("http://every.corp.test:3128/", Route(("ALL_PROXY", "http://every.corp.test:3128")).ProxyFor("https://iam.amazonaws.com/")?.AbsoluteUri);
    }

    [Theory]
    [InlineData("amazonaws.com", "https://iam.amazonaws.com/", true)]
    [InlineData(".amazonaws.com", "https://iam.amazonaws.com/", true)]
    [InlineData("iam.amazonaws.com", "https://iam.amazonaws.com/", true)]
    [InlineData("sts.amazonaws.com, iam.amazonaws.com", "https://iam.amazonaws.com/", true)]
    [InlineData("*", "https://portal.sso.eu-west-1.amazonaws.com/", true)]
    [InlineData("iam.amazonaws.com:443", "https://iam.amazonaws.com/", true)]
    [InlineData("zonaws.com", "https://iam.amazonaws.com/", false)]
    [InlineData("sts.amazonaws.com", "https://iam.amazonaws.com/", false)]
    public void No_proxy_entries_cover_the_name_and_its_subdomains(string noProxy, string url, bool direct)
    {
        var route = Route(("HTTPS_PROXY", "http://proxy.corp.test:3128"), ("NO_PROXY", noProxy));

        Assert.Equal(direct, route.ProxyFor(url) is null);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/")]
    [InlineData("http://127.1.2.3:5000/")]
    [InlineData("http://localhost:5000/")]
    [InlineData("http://[::1]:5000/")]
    public void Loopback_always_goes_direct(string url)
    {
        var route = Route(("HTTP_PROXY", "http://proxy.corp.test:3128"), ("HTTPS_PROXY", "http://proxy.corp.test:3128"));

        Assert.Null(route.ProxyFor(url));
        Assert.True(route.IsBypassed(new Uri(url)));
    }

    [Fact]
    public void A_user_and_password_in_the_url_are_the_proxys_credentials_and_never_shown()
    {
        var route = Route(("HTTPS_PROXY", "http://svc-onboard:pa%40ss-word@proxy.corp.test:3128"));

        Assert.Equal("http://proxy.corp.test:3128/", route.ProxyFor("https://iam.amazonaws.com/")?.AbsoluteUri);
        var credential = route.Credentials!.GetCredential(new Uri("http://proxy.corp.test:3128/"), "Basic");
        Assert.Equal("svc-onboard", credential?.UserName);
        Assert.Equal("pa@ss-word", credential?.Password);
        Assert.Null(route.Credentials.GetCredential(new Uri("http://elsewhere.corp.test:3128/"), "Basic"));
        Assert.True(route.HasCredentials);
        Assert.DoesNotContain("ss-word", route.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("svc-onboard", route.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("socks5://proxy.corp.test:1080", "only http:// and https:// proxies")]
    [InlineData("http://", "it is not a URL")]
    public void A_value_that_names_no_usable_proxy_is_refused_naming_the_variable(string value, string reason)
    {
        var error = Assert.Throws<OnboardConfigurationException>(() => Route(("https_proxy", value)));

        Assert.StartsWith("https_proxy '", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_value_keeps_its_password_out_of_the_message()
    {
        var error = Assert.Throws<OnboardConfigurationException>(() => Route(("HTTP_PROXY", "socks5://svc:s3cr3t-value@proxy.corp.test:1080")));

        Assert.DoesNotContain("s3cr3t-value", error.Message, StringComparison.Ordinal);
        Assert.Contains("***@proxy.corp.test:1080", error.Message, StringComparison.Ordinal);
    }
}
