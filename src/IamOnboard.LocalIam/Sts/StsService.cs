using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.LocalIam.Auth;
using IamOnboard.LocalIam.Iam;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Sts;

/// <summary>The two STS (2011-06-15) operations the module and its tests need: GetCallerIdentity and AssumeRole.</summary>
internal sealed partial class StsService
{
    public const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private static readonly HashSet<string> Actions = new(StringComparer.Ordinal) { "GetCallerIdentity", "AssumeRole", GetSessionTokenAction };

    public bool Knows(string action) => Actions.Contains(action);

    public static bool IsMutating(string action) => action == "AssumeRole" || action == GetSessionTokenAction;

    public string Invoke(string action, OperationContext context)
    {
        if (action == "GetCallerIdentity")
        {
            context.Result.Element("UserId", context.Caller.UserId).Element("Account", context.Store.AccountId).Element("Arn", context.Caller.Arn);
        }
        else if (action == GetSessionTokenAction)
        {
            GetSessionToken(context);
        }
        else
        {
            AssumeRole(context);
        }

        return context.Result.ToString();
    }

    private static void AssumeRole(OperationContext context)
    {
        string roleArn = context.Required("RoleArn");
        OperationContext.EnforceLength("RoleArn", roleArn, 20, 2048);
        string sessionName = context.Required("RoleSessionName");
        OperationContext.Enforce(IamNameRules.CheckRoleSessionName(sessionName));
        int duration = context.OptionalInt("DurationSeconds", 900, 43200) ?? 3600;

        var store = context.Store;
        var role = store.State.Roles.FirstOrDefault(r => store.RoleArn(r) == roleArn);
        if (role is null)
        {
            throw Authorizer.Denied(context.Caller, "sts:AssumeRole", roleArn);
        }

        if (context.EvaluatePolicies)
        {
            Authorizer.AuthorizeAssumeRole(store, context.Caller, roleArn, context.Facts);
        }
        if (duration > role.MaxSessionDuration)
        {
            throw IamServiceException.Validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }

        var session = new RoleSessionEntity
        {
            AccessKeyId = IdGenerator.AccessKeyId("ASIA"),
            SecretAccessKey = IdGenerator.SecretAccessKey(),
            SessionToken = IdGenerator.SessionToken(),
            RoleId = role.RoleId,
            SessionName = sessionName,
            Expiration = context.Now.AddSeconds(duration),
        };
        store.AddSession(session);
        context.Result.Open("Credentials")
            .Element("AccessKeyId", session.AccessKeyId)
            .Element("SecretAccessKey", session.SecretAccessKey)
            .Element("SessionToken", session.SessionToken)
            .Element("Expiration", session.Expiration)
            .Close("Credentials")
            .Open("AssumedRoleUser")
            .Element("AssumedRoleId", role.RoleId + ":" + sessionName)
            .Element("Arn", CallerIdentity.AssumedRoleArn(store, role, sessionName))
            .Close("AssumedRoleUser");
    }
}
