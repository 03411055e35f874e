using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using IamOnboard.Sessions;

namespace IamOnboard.AwsSdk;

/// <summary>
/// Certificate authorities to trust for AWS endpoints besides the system's, for TLS inspection by a company proxy: the
/// AWS CLI's <c>AWS_CA_BUNDLE</c>, else the profile's <c>ca_bundle</c> (botocore's order), a PEM file. The AWS SDK for
/// .NET reads neither. Unlike the CLI, whose bundle replaces its default trust, the bundle is trusted in addition to the
/// system's store, so endpoints a NO_PROXY entry sends direct keep working with the public roots.
/// </summary>
internal sealed class CaBundle
{
    // Parsed certificates by the SHA-256 of the file's text. AWS_CA_BUNDLE often names the distribution's whole bundle
    // (over a hundred certificates, about 30 ms to parse) and every session reads it again; the file is still read and
    // hashed each time, so an edited one is parsed anew. A few entries at most: one per bundle content seen.
    private const int ParsedBundlesKept = 8;
    private static readonly ConcurrentDictionary<string, X509Certificate2[]> ParsedBundles = new(StringComparer.Ordinal);

    private readonly X509Certificate2[] _authorities;

    private CaBundle(string path, string source, X509Certificate2[] authorities, string fingerprint)
    {
        Path = path;
        Source = source;
        _authorities = authorities;
        Fingerprint = fingerprint;
    }

    public string Path { get; }

    /// <summary>Where the setting came from, for messages: "AWS_CA_BUNDLE" or "ca_bundle of profile 'x'".</summary>
    public string Source { get; }

    /// <summary>The file's path and a hash of its content, so HttpClients are shared only by equal bundles.</summary>
    public string Fingerprint { get; }

    public int Count => _authorities.Length;

    /// <summary>The bundle's certificates, as read.</summary>
    public IReadOnlyList<X509Certificate2> Authorities => _authorities;

    /// <summary>The bundle the environment or <paramref name="profile"/> names; null when neither names one.</summary>
    public static CaBundle? Resolve(ConfigSection? profile)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("AWS_CA_BUNDLE");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Load(fromEnvironment!, "AWS_CA_BUNDLE");
        }

        return profile?["ca_bundle"] is { } fromProfile ? Load(fromProfile, "ca_bundle of profile '" + profile.Name + "'") : null;
    }

    public static CaBundle Load(string path, string source)
    {
        if (Directory.Exists(path))
        {
            // As for the AWS CLI: a bundle is one PEM file, not a folder of certificates.
            throw new OnboardConfigurationException(source + " names '" + path + "', a folder. Name a PEM file of the certificate authorities to trust (your company's TLS inspection CA), "
                + "or remove the setting.");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OnboardConfigurationException(source + " names '" + path + "', which cannot be read: " + exception.Message
                + " Name a PEM file of the certificate authorities to trust (your company's TLS inspection CA), or remove the setting.");
        }

        string hash;
        using (var sha = SHA256.Create())
        {
            hash = BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(text))).Replace("-", string.Empty);
        }

        if (!ParsedBundles.TryGetValue(hash, out var authorities))
        {
            authorities = ReadPem(text, path, source);
            if (authorities.Length == 0)
            {
                throw new OnboardConfigurationException(source + " names '" + path + "', which holds no PEM certificate (-----BEGIN CERTIFICATE-----)."
                    + " Name a PEM file of the certificate authorities to trust, or remove the setting.");
            }

            if (ParsedBundles.Count >= ParsedBundlesKept)
            {
                ParsedBundles.Clear();
            }

            authorities = ParsedBundles.GetOrAdd(hash, authorities);
        }

        return new CaBundle(System.IO.Path.GetFullPath(path), source, authorities, System.IO.Path.GetFullPath(path) + "#" + hash);
    }

    /// <summary>
    /// HttpClientHandler's server certificate check: what the system trusts passes; otherwise a chain that ends in one of
    /// the bundle's certificates does. A name mismatch or a missing certificate never passes.
    /// </summary>
    public bool Validate(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        // netstandard2.0 has no custom trust store: the chain is built with the bundle as extra certificates, an
        // unknown root allowed, and then its root must be one of the bundle's.
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        // As the system's own check: a certificate whose key usage excludes TLS servers is no server's.
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        chain.ChainPolicy.ExtraStore.AddRange(_authorities);
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!chain.Build(certificate))
        {
            return false;
        }

        if (chain.ChainStatus.Any(status => status.Status is not (X509ChainStatusFlags.NoError or X509ChainStatusFlags.UntrustedRoot)))
        {
            return false;
        }

        var root = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
        return _authorities.Any(authority => authority.RawData.SequenceEqual(root.RawData));
    }

    private static X509Certificate2[] ReadPem(string text, string path, string source)
    {
        const string Begin = "-----BEGIN CERTIFICATE-----";
        const string End = "-----END CERTIFICATE-----";
        var certificates = new List<X509Certificate2>();
        var at = 0;
        while ((at = text.IndexOf(Begin, at, StringComparison.Ordinal)) >= 0)
        {
            var end = text.IndexOf(End, at, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            var body = text.Substring(at + Begin.Length, end - at - Begin.Length);
            try
            {
                certificates.Add(new X509Certificate2(Convert.FromBase64String(body.Replace("\r", string.Empty).Replace("\n", string.Empty).Trim())));
            }
            catch (Exception exception) when (exception is FormatException or CryptographicException)
            {
                throw new OnboardConfigurationException(source + " names '" + path + "', whose certificate number " + (certificates.Count + 1)
                    + " cannot be read: " + exception.Message + " Fix or remove that certificate, or remove the setting.");
            }

            at = end + End.Length;
        }

        return certificates.ToArray();
    }
}
