using System.Collections.Generic;

namespace IamOnboard.LocalIam.Protocol;

/// <summary>
/// Looks at every answered request and its answer before the answer is sent. Test suites use it to hold the endpoint
/// and the clients talking to it to a published API model; a problem it returns replaces the answer with a
/// <c>ModelConformance</c> error so that the call under test fails where the mismatch happened.
/// </summary>
internal interface IExchangeInspector
{
    /// <summary>Null when the exchange conforms; otherwise what does not.</summary>
    string? Inspect(string service, IReadOnlyList<KeyValuePair<string, string>> parameters, int status, byte[] body);
}
