using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace IamOnboard.Commands;

/// <summary>Completes -Action (and -Expect keys typed as text) with IAM actions a starter's access is usually checked for.</summary>
public sealed class IamActionCompleter : IArgumentCompleter
{
    internal static readonly string[] CommonActions =
    {
        "iam:ChangePassword", "iam:GetAccountPasswordPolicy", "iam:GetUser", "iam:GetLoginProfile", "iam:ListUsers", "iam:ListGroups",
        "iam:ListRoles", "iam:ListPolicies", "iam:CreateUser", "iam:DeleteUser", "iam:CreateAccessKey", "iam:ListAccessKeys",
        "iam:DeleteAccessKey", "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:DeactivateMFADevice", "iam:ListMFADevices",
        "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:AddUserToGroup",
        "iam:PassRole", "iam:CreateRole", "iam:GetAccountSummary", "iam:SimulatePrincipalPolicy",
        "sts:GetSessionToken", "sts:AssumeRole", "sts:GetCallerIdentity",
        "s3:ListAllMyBuckets", "s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject",
        "ec2:DescribeInstances", "ec2:RunInstances", "ec2:TerminateInstances", "ec2:StartInstances", "ec2:StopInstances",
        "cloudwatch:GetMetricData", "logs:GetLogEvents", "lambda:InvokeFunction", "dynamodb:GetItem", "dynamodb:PutItem",
        "kms:Decrypt", "secretsmanager:GetSecretValue", "ssm:GetParameter", "organizations:DescribeOrganization",
    };

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionText.Matching(CommonActions, wordToComplete);
}
