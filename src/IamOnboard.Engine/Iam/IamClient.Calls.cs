using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using IamOnboard.Iam.Internal;

namespace IamOnboard.Iam;

/// <summary>
/// How every typed call above is carried out: within the request budget, through the transport (whose SDK pipeline
/// retries each attempt), with rounds of attempts started over while IAM keeps throttling and read-after-create retries
/// for entities this client just made; List* calls follow the pages.
/// </summary>
public sealed partial class IamClient
{
    private static EntityRef? Ref(EntityKind kind, string? name) => name is null ? null : new EntityRef(kind, name);

    /// <summary>
    /// How many times a call whose every attempt was throttled starts over. A throttled request was refused, not
    /// applied, so sending it again is safe for any call; under a storm with several calls in flight one of them can lose
    /// the race for the server's tokens on every attempt, and failing that row would be the wrong answer to "slow down".
    /// </summary>
    private const int ThrottledRounds = 3;

    /// <summary>
    /// One call, with read-after-create retries (a NoSuchEntity naming an entity this client created moments ago is
    /// eventual consistency, not absence) and fresh rounds of attempts while IAM keeps throttling it.
    /// </summary>
    private async Task<XElement?> CallAsync(string action, QueryParameters parameters, CancellationToken cancellationToken, params EntityRef?[] references)
    {
        // One verbose line per call: the action and the entities it names, never a parameter value (passwords, codes).
        Diagnostics.OnboardLog.Current.Verbose(parameters.DescribeCall(action));
        var kind = IamOperations.KindOf(action);
        var throttledRound = 1;
        for (var consistencyRetry = 0; ; consistencyRetry++)
        {
            try
            {
                using (await Budget.AcquireAsync(cancellationToken).ConfigureAwait(false))
                {
                    // A create that holds the budget is not cut off by a stop: abandoned in flight, IAM may still carry
                    // it out, after the caller looked and found nothing to roll back, and a user would be left that no
                    // error names. It finishes (its attempts and per-attempt timeout bound it), and the caller, stopped,
                    // rolls back what it made. A stop while waiting for the budget, above, sends nothing.
                    return await _transport.SendAsync(action, parameters, kind, kind == OperationKind.Create ? CancellationToken.None : cancellationToken).ConfigureAwait(false);
                }
            }
            catch (IamNetworkException lost) when (lost is not IamResponseLostException && UnreadableBody(lost) is { } unreadable)
            {
                // An answer arrived and could not be parsed: not "no response", which sends people looking at the network.
                throw new IamServiceException(string.Format(CultureInfo.InvariantCulture,
                    "IAM {0} at {1} answered, but the answer is not XML IamOnboard can read ({2}).", action, Endpoint, unreadable.Message.TrimEnd('.')),
                    "UnreadableResponse", null, 200, null, action, unreadable);
            }
            catch (IamThrottlingException) when (throttledRound < ThrottledRounds && !cancellationToken.IsCancellationRequested)
            {
                TimeSpan delay;
                using (var jitter = new Passwords.CryptoRandom())
                {
                    delay = TimeSpan.FromMilliseconds(1000 + jitter.Next(2000));
                }

                Diagnostics.OnboardLog.Current.Debug(string.Format(CultureInfo.InvariantCulture,
                    "IAM {0}: throttled on every attempt; waiting {1:0.0} s and starting over (round {2} of {3}).",
                    action, delay.TotalSeconds, throttledRound + 1, ThrottledRounds));
                throttledRound++;
                consistencyRetry--;
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (IamNoSuchEntityException missing) when (consistencyRetry < _options.ReadAfterCreateRetries && kind != OperationKind.Delete && _recentlyCreated.MayBeCatchingUp(references, missing.Message))
            {
                var delay = TimeSpan.FromMilliseconds(500 * (1 << consistencyRetry));
                Diagnostics.OnboardLog.Current.Debug(string.Format(CultureInfo.InvariantCulture,
                    "IAM {0}: NoSuchEntity, but this client created {1} moments ago; IAM is eventually consistent, retrying in {2:0.0} s ({3} of {4}).",
                    action, _recentlyCreated.DescribeRecent(references), delay.TotalSeconds, consistencyRetry + 1, _options.ReadAfterCreateRetries));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Every page of a List* call. A Marker answered a second time would ask for pages already read, for ever: the
    /// listing stops with <see cref="IamErrorCodes.RepeatedMarker"/>, as the AWS CLI stops ("The same next token was received twice").
    /// </summary>
    /// <summary>The XML error behind a failure, when the failure is a success answer whose body could not be parsed.</summary>
    private static System.Xml.XmlException? UnreadableBody(Exception failure)
    {
        for (var current = failure.InnerException; current is not null; current = current.InnerException)
        {
            if (current is System.Xml.XmlException xml)
            {
                return xml;
            }
        }

        return null;
    }

    private async IAsyncEnumerable<XElement> PagesAsync(string action, QueryParameters parameters, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, params EntityRef?[] references)
    {
        var markersSeen = new HashSet<string>(StringComparer.Ordinal);
        string? marker = null;
        do
        {
            var page = parameters.Clone().Add("Marker", marker);
            if (!parameters.Has("MaxItems"))
            {
                page.Add("MaxItems", _options.PageSize);
            }

            var result = await CallAsync(action, page, cancellationToken, references).ConfigureAwait(false)
                ?? throw new IamServiceException("IAM returned no " + action + "Result element.", "MalformedResponse", null, 200, null, action);
            yield return result;
            marker = IamXml.IsTruncated(result) ? IamXml.Text(result, "Marker") : null;
            if (!string.IsNullOrEmpty(marker) && !markersSeen.Add(marker!))
            {
                throw new IamServiceException(string.Format(CultureInfo.InvariantCulture,
                    "IAM {0} at {1} gave the same Marker twice, after {2} pages: following it would list the same pages for ever, so the listing was stopped.",
                    action, Endpoint, markersSeen.Count + 1), IamErrorCodes.RepeatedMarker, null, 200, null, action);
            }
        }
        while (!string.IsNullOrEmpty(marker));
    }

    private async Task<IReadOnlyList<T>> ListAsync<T>(string action, QueryParameters parameters, string listElement, Func<XElement, T> read, CancellationToken cancellationToken, params EntityRef?[] references)
    {
        var items = new List<T>();
        await foreach (var page in PagesAsync(action, parameters, cancellationToken, references).ConfigureAwait(false))
        {
            items.AddRange(IamXml.Members(page, listElement).Select(read));
        }

        return items;
    }
}
