using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using IamOnboard.AwsSdk;
using IamOnboard.Iam;
using IamOnboard.LocalIam;
using IamOnboard.Sessions;
using IamOnboard.Tests.Iam;
using Xunit;

namespace IamOnboard.Tests.Sessions;

/// <summary>
/// TLS inspection: the local endpoint behind a TLS listener on loopback whose certificate a company CA made in the test
/// issued, as a TLS-inspecting proxy's are. The system does not trust that CA; AWS_CA_BUNDLE or the profile's
/// ca_bundle (the AWS CLI's settings) make IamOnboard trust it, for STS and IAM alike.
/// </summary>
[Collection("Environment")]
public sealed class CaBundleTests : IClassFixture<LocalIamFixture>, IDisposable
{
    private readonly LocalIamServer _server;
    private readonly TlsFront _front;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iamonboard-ca-" + Guid.NewGuid().ToString("N"));

    public CaBundleTests(LocalIamFixture fixture)
    {
        _server = fixture.Server;
        Directory.CreateDirectory(_directory);
        using var companyCa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CompanyCa = CertificateAuthority("CN=IamOnboard Test Company Inspection CA", companyCa);
        _front = new TlsFront(ServerCertificate(CompanyCa), _server.Url.Port);
        CompanyBundle = WritePem("company-ca.pem", CompanyCa);
        using var otherCa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        OtherBundle = WritePem("other-ca.pem", CertificateAuthority("CN=IamOnboard Test Unrelated CA", otherCa));
    }

    private X509Certificate2 CompanyCa { get; }

    private string CompanyBundle { get; }

    private string OtherBundle { get; }

    private string HttpsUrl => "https://127.0.0.1:" + _front.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/";

    public void Dispose()
    {
        _front.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_profiles_ca_bundle_is_trusted_for_sts_and_iam()
    {
        using var environment = Profile("ca_bundle = " + CompanyBundle);

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "corp", MaxAttempts = 1 });

        Assert.Equal(_server.AccountId, session.AccountId);
        Assert.NotNull(await session.Iam.GetUserAsync());
        Assert.True(_front.Connections > 0);
    }

    [Fact]
    public async Task AWS_CA_BUNDLE_comes_before_the_profiles_ca_bundle()
    {
        using var environment = Profile("ca_bundle = " + Path.Combine(_directory, "missing.pem"));
        Environment.SetEnvironmentVariable("AWS_CA_BUNDLE", CompanyBundle);

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "corp", MaxAttempts = 1 });

        Assert.Equal(_server.AccountId, session.AccountId);
    }

    [Fact]
    public async Task Without_a_bundle_the_inspecting_certificate_is_refused()
    {
        using var environment = Profile(string.Empty);

        var error = await Assert.ThrowsAsync<IamNetworkException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "corp", MaxAttempts = 1 }));

        Assert.StartsWith("STS GetCallerIdentity to " + HttpsUrl + " got no response: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" The endpoint's TLS certificate is not trusted. Behind a TLS-inspecting proxy, name your company's CA bundle (a PEM file) with AWS_CA_BUNDLE or the profile's ca_bundle, as for the AWS CLI.",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bundle_of_another_ca_does_not_trust_the_inspecting_certificate()
    {
        using var environment = Profile("ca_bundle = " + OtherBundle);

        var error = await Assert.ThrowsAsync<IamNetworkException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "corp", MaxAttempts = 1 }));

        Assert.EndsWith(" The endpoint's TLS certificate is trusted neither by the system nor by " + OtherBundle + " (ca_bundle of profile 'corp').", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bundle_that_cannot_be_read_is_refused_naming_the_profile_and_the_file()
    {
        var missing = Path.Combine(_directory, "missing.pem");
        using var environment = Profile("ca_bundle = " + missing);

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "corp", MaxAttempts = 1 }));

        Assert.StartsWith("ca_bundle of profile 'corp' names '" + missing + "', which cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_without_a_certificate_is_refused()
    {
        var empty = Path.Combine(_directory, "empty.pem");
        File.WriteAllText(empty, "not a certificate\n");
        using var environment = Profile(string.Empty);
        Environment.SetEnvironmentVariable("AWS_CA_BUNDLE", empty);

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "corp", MaxAttempts = 1 }));

        Assert.StartsWith("AWS_CA_BUNDLE names '" + empty + "', which holds no PEM certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bundle_that_cannot_be_read_is_not_needed_for_plain_http_endpoints_as_for_the_aws_cli()
    {
        // A stale AWS_CA_BUNDLE on an admin's machine: the AWS CLI reads it for HTTPS only, so a local endpoint works.
        var removed = Path.Combine(_directory, "removed.pem");
        using var environment = Profile(string.Empty, _server.Url.ToString());
        Environment.SetEnvironmentVariable("AWS_CA_BUNDLE", removed);

        using var session = await OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "corp", MaxAttempts = 1 });

        Assert.Equal(_server.AccountId, session.AccountId);
    }

    [Fact]
    public async Task A_bundle_naming_a_folder_is_refused_as_a_folder()
    {
        using var environment = Profile(string.Empty);
        Environment.SetEnvironmentVariable("AWS_CA_BUNDLE", _directory);

        var error = await Assert.ThrowsAsync<OnboardConfigurationException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "corp", MaxAttempts = 1 }));

        Assert.StartsWith("AWS_CA_BUNDLE names '" + _directory + "', a folder. Name a PEM file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bundle_read_again_unchanged_is_not_parsed_again_and_an_edited_one_is()
    {
        // A system-wide bundle (AWS_CA_BUNDLE naming the distribution's ca-certificates.crt, as on many admin machines)
        // holds over a hundred certificates: parsing it on every Connect-Onboard cost about 30 ms.
        var first = CaBundle.Load(CompanyBundle, "AWS_CA_BUNDLE");
        var again = CaBundle.Load(CompanyBundle, "AWS_CA_BUNDLE");

        Assert.Same(first.Authorities[0], again.Authorities[0]);

        File.AppendAllText(CompanyBundle, File.ReadAllText(OtherBundle));
        var edited = CaBundle.Load(CompanyBundle, "AWS_CA_BUNDLE");

        Assert.Equal(2, edited.Count);
        Assert.NotEqual(first.Fingerprint, edited.Fingerprint);
    }

    [Fact]
    public async Task A_certificate_of_the_bundles_ca_for_another_use_than_a_tls_server_is_refused()
    {
        // The system's check refuses a server certificate whose extended key usage leaves out TLS servers; the bundle's
        // check must not accept what the system's would refuse.
        using var clientOnly = new TlsFront(ServerCertificate(CompanyCa, "1.3.6.1.5.5.7.3.2"), _server.Url.Port);
        using var environment = Profile("ca_bundle = " + CompanyBundle, "https://127.0.0.1:" + clientOnly.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/");

        var error = await Assert.ThrowsAsync<IamNetworkException>(() => OnboardSessionFactory.ConnectAsync(new OnboardConnectOptions { ProfileName = "corp", MaxAttempts = 1 }));

        Assert.Contains("is trusted neither by the system nor by " + CompanyBundle, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Profile "corp" with the endpoint's admin keys, the https front (or <paramref name="url"/>) as its endpoint, and <paramref name="extra"/>.</summary>
    private EnvironmentScope Profile(string extra, string? url = null)
    {
        var environment = new EnvironmentScope();
        File.WriteAllText(environment.ConfigFile, "[profile corp]\nendpoint_url = " + (url ?? HttpsUrl) + "\n" + extra + "\n");
        File.WriteAllText(environment.CredentialsFile, "[corp]\naws_access_key_id = " + _server.AdminAccessKeyId + "\naws_secret_access_key = " + _server.AdminSecretAccessKey + "\n");
        return environment;
    }

    private string WritePem(string name, X509Certificate2 certificate)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(certificate.RawData, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n");
        return path;
    }

    private static X509Certificate2 CertificateAuthority(string name, ECDsa key)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
    }

    private static X509Certificate2 ServerCertificate(X509Certificate2 issuer, string usage = "1.3.6.1.5.5.7.3.1")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(usage) }, false));
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        // CreateSelfSigned left the issuer its private key, which signs here.
        using var issued = request.Create(issuer, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(2), serial);
        var withKey = issued.CopyWithPrivateKey(key);
        // A certificate with an ephemeral key cannot serve TLS on every platform; one loaded from PKCS#12 can.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Takes TLS on loopback with <c>certificate</c> and passes the plain bytes on to the endpoint's HTTP port.</summary>
    private sealed class TlsFront : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly X509Certificate2 _certificate;
        private readonly int _backendPort;
        private int _connections;

        public TlsFront(X509Certificate2 certificate, int backendPort)
        {
            _certificate = certificate;
            _backendPort = backendPort;
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        /// <summary>TLS handshakes completed.</summary>
        public int Connections => System.Threading.Volatile.Read(ref _connections);

        public void Dispose() => _listener.Stop();

        private async Task AcceptAsync()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync();
                }
                catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            using (var tls = new SslStream(client.GetStream()))
            {
                try
                {
                    await tls.AuthenticateAsServerAsync(_certificate);
                    System.Threading.Interlocked.Increment(ref _connections);
                    using var backend = new TcpClient();
                    await backend.ConnectAsync(IPAddress.Loopback, _backendPort);
                    var plain = backend.GetStream();
                    // Either side closing ends the relay.
                    await Task.WhenAny(tls.CopyToAsync(plain), plain.CopyToAsync(tls));
                }
                catch (Exception exception) when (exception is IOException or System.Security.Authentication.AuthenticationException or SocketException or ObjectDisposedException)
                {
                    // A refused handshake (the client did not trust the certificate) ends here, as a real proxy's would.
                }
            }
        }
    }
}
