using System;
using System.Threading;
using IamOnboard.LocalIam.Auth;
using IamOnboard.LocalIam.Http;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;

namespace IamOnboard.LocalIam;

/// <summary>SigV4 authentication: the caller behind an access key (a user, root, or a temporary session).</summary>
public sealed partial class LocalIamServer
{
    private (CallerIdentity Caller, string Service, string Region) Authenticate(HttpRequest request, string authorizationHeader)
    {
        try
        {
            if (authorizationHeader.Length == 0)
            {
                throw new IamServiceException("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
            }

            var authorization = SigV4Verifier.Parse(authorizationHeader);
            if (authorization.Service != "iam" && authorization.Service != "sts")
            {
                throw new IamServiceException("SignatureDoesNotMatch", 403, "Credential should be scoped to correct service: 'iam'.");
            }

            SigV4Verifier.CheckRegion(authorization);

            string secret;
            CallerIdentity caller;
            DateTime now = UtcNow;
            lock (_stateLock)
            {
                var owner = _store.FindKey(authorization.AccessKeyId);
                string? token = request.Header("x-amz-security-token");
                if (owner is null || (owner.Key is not null && owner.Key.Status != "Active"))
                {
                    throw InvalidToken();
                }

                if (owner.Session is not null)
                {
                    if (token is null || !SigV4Verifier.FixedTimeEquals(owner.Session.SessionToken, token))
                    {
                        throw InvalidToken();
                    }

                    if (owner.Session.Expiration <= now + CredentialTimeAhead)
                    {
                        throw new IamServiceException("ExpiredToken", 403, "The security token included in the request is expired");
                    }

                    caller = SessionCaller(owner.Session);
                }
                else if (token is not null)
                {
                    throw InvalidToken();
                }
                else
                {
                    caller = owner.IsRoot ? CallerIdentity.Root(_store) : CallerIdentity.ForUser(_store, owner.User!);
                }

                secret = owner.SecretAccessKey;
            }

            SigV4Verifier.Verify(request, authorization, secret, now);
            return (caller, authorization.Service, authorization.Region);
        }
        catch (IamServiceException)
        {
            Interlocked.Increment(ref _authenticationFailures);
            throw;
        }
    }

    /// <summary>An AssumeRole session acts as its role; a GetSessionToken session as the user (or root) that asked for it.</summary>
    private CallerIdentity SessionCaller(RoleSessionEntity session)
    {
        if (session.TokenOwnerId is null)
        {
            var role = _store.FindRoleById(session.RoleId) ?? throw InvalidToken();
            return CallerIdentity.ForSession(_store, role, session);
        }

        if (session.TokenOwnerId == _store.AccountId)
        {
            return CallerIdentity.ForTokenSession(_store, null, session);
        }

        var user = _store.FindUserById(session.TokenOwnerId) ?? throw InvalidToken();
        return CallerIdentity.ForTokenSession(_store, user, session);
    }

    private static IamServiceException InvalidToken() =>
        new("InvalidClientTokenId", 403, "The security token included in the request is invalid.");
}
