using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace IamOnboard.LocalIam.State;

/// <summary>One AWS managed policy as IAM lists it.</summary>
internal sealed class AwsManagedPolicy
{
    public AwsManagedPolicy(string name, string path, string versionId, string description, string document)
    {
        PolicyName = name;
        Path = path;
        DefaultVersionId = versionId;
        Description = description;
        Document = document;
        Arn = "arn:aws:iam::aws:policy" + path + name;
        PolicyId = StableId(Arn);
    }

    public string PolicyName { get; }
    public string Path { get; }
    public string Arn { get; }
    public string PolicyId { get; }
    public string DefaultVersionId { get; }
    public string Description { get; }
    public string Document { get; }

    public static readonly DateTime CreateDate = new(2015, 2, 6, 18, 39, 46, DateTimeKind.Utc);

    // The real policy ids are not published as a list; derive a stable, well-formed one from the ARN instead.
    private static string StableId(string arn)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        using var sha = SHA256.Create();
        byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(arn));
        var id = new StringBuilder("ANPA");
        for (int i = 0; i < 17; i++)
        {
            id.Append(alphabet[hash[i] % alphabet.Length]);
        }

        return id.ToString();
    }
}

/// <summary>The AWS managed policies this endpoint knows, with their real ARNs and representative documents.</summary>
internal static class ManagedPolicyCatalog
{
    public const string AdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";
    public const string IamFullAccess = "arn:aws:iam::aws:policy/IAMFullAccess";
    public const string IamReadOnlyAccess = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";
    public const string ReadOnlyAccess = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    public const string IamUserChangePassword = "arn:aws:iam::aws:policy/IAMUserChangePassword";

    public static IReadOnlyList<AwsManagedPolicy> All { get; } = new[]
    {
        new AwsManagedPolicy("AdministratorAccess", "/", "v1", "Provides full access to AWS services and resources.",
            Allow("\"*\"")),
        new AwsManagedPolicy("PowerUserAccess", "/", "v5", "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":[\"iam:*\",\"organizations:*\",\"account:*\"],\"Resource\":\"*\"},"
            + "{\"Effect\":\"Allow\",\"Action\":[\"iam:CreateServiceLinkedRole\",\"iam:DeleteServiceLinkedRole\",\"iam:ListRoles\",\"organizations:DescribeOrganization\",\"account:ListRegions\",\"account:GetAccountInformation\"],\"Resource\":\"*\"}]}"),
        new AwsManagedPolicy("ReadOnlyAccess", "/", "v1", "Provides read-only access to AWS services and resources.",
            Allow("[\"iam:Get*\",\"iam:List*\",\"iam:Generate*\",\"ec2:Describe*\",\"ec2:Get*\",\"s3:Get*\",\"s3:List*\",\"cloudwatch:Describe*\",\"cloudwatch:Get*\",\"cloudwatch:List*\",\"logs:Describe*\",\"logs:Get*\",\"sts:GetCallerIdentity\"]")),
        // v3 (May 2025) added user/*/${aws:username}: users on a path are covered too.
        new AwsManagedPolicy("IAMUserChangePassword", "/", "v3", "Provides the ability for an IAM user to change their own password.",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"iam:ChangePassword\"],\"Resource\":[\"arn:aws:iam::*:user/${aws:username}\",\"arn:aws:iam::*:user/*/${aws:username}\"]},"
            + "{\"Effect\":\"Allow\",\"Action\":[\"iam:GetAccountPasswordPolicy\"],\"Resource\":\"*\"}]}"),
        new AwsManagedPolicy("IAMReadOnlyAccess", "/", "v4", "Provides read only access to IAM via the AWS Management Console.",
            Allow("[\"iam:GenerateCredentialReport\",\"iam:GenerateServiceLastAccessedDetails\",\"iam:Get*\",\"iam:List*\",\"iam:SimulateCustomPolicy\",\"iam:SimulatePrincipalPolicy\"]")),
        new AwsManagedPolicy("IAMFullAccess", "/", "v2", "Provides full access to IAM via the AWS Management Console.",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"iam:*\",\"organizations:DescribeAccount\",\"organizations:DescribeOrganization\",\"organizations:DescribeOrganizationalUnit\",\"organizations:DescribePolicy\",\"organizations:ListChildren\",\"organizations:ListParents\",\"organizations:ListPoliciesForTarget\",\"organizations:ListRoots\",\"organizations:ListPolicies\",\"organizations:ListTargetsForPolicy\"],\"Resource\":\"*\"}]}"),
        new AwsManagedPolicy("ViewOnlyAccess", "/job-function/", "v1", "This policy grants permissions to view resources and basic metadata across all AWS services.",
            Allow("[\"ec2:DescribeInstances\",\"ec2:DescribeVpcs\",\"iam:List*\",\"iam:GetAccountSummary\",\"s3:ListAllMyBuckets\",\"s3:GetBucketLocation\",\"cloudwatch:ListMetrics\",\"logs:DescribeLogGroups\"]")),
        new AwsManagedPolicy("Billing", "/job-function/", "v1", "Grants permissions for billing and cost management.",
            Allow("[\"aws-portal:*Billing\",\"aws-portal:*Usage\",\"aws-portal:*PaymentMethods\",\"budgets:ViewBudget\",\"budgets:ModifyBudget\",\"ce:UpdatePreferences\",\"ce:CreateReport\",\"cur:DescribeReportDefinitions\",\"pricing:DescribeServices\"]")),
        new AwsManagedPolicy("SystemAdministrator", "/job-function/", "v1", "Grants full access permissions necessary for resources required for application and development operations.",
            Allow("[\"ec2:*\",\"autoscaling:*\",\"cloudwatch:*\",\"logs:*\",\"ssm:*\",\"elasticloadbalancing:*\",\"iam:GetRole\",\"iam:ListRoles\",\"iam:PassRole\"]")),
        new AwsManagedPolicy("DatabaseAdministrator", "/job-function/", "v1", "Grants full access permissions to AWS services and actions required to set up and configure AWS database services.",
            Allow("[\"rds:*\",\"dynamodb:*\",\"redshift:*\",\"elasticache:*\",\"cloudwatch:*\",\"ec2:DescribeVpcs\",\"ec2:DescribeSubnets\",\"ec2:DescribeSecurityGroups\",\"iam:GetRole\",\"iam:ListRoles\"]")),
        new AwsManagedPolicy("NetworkAdministrator", "/job-function/", "v1", "Grants full access permissions to AWS services and actions required to set up and configure AWS network resources.",
            Allow("[\"ec2:*Vpc*\",\"ec2:*Subnet*\",\"ec2:*Gateway*\",\"ec2:*Route*\",\"ec2:*NetworkAcl*\",\"ec2:*SecurityGroup*\",\"route53:*\",\"directconnect:*\",\"elasticloadbalancing:*\"]")),
        new AwsManagedPolicy("DataScientist", "/job-function/", "v1", "Grants permissions to AWS data analytics services.",
            Allow("[\"sagemaker:*\",\"athena:*\",\"glue:*\",\"s3:ListAllMyBuckets\",\"s3:GetObject\",\"s3:PutObject\",\"cloudwatch:*\",\"logs:*\",\"iam:ListRoles\",\"iam:GetRole\"]")),
        new AwsManagedPolicy("SupportUser", "/job-function/", "v1", "This policy grants permissions to troubleshoot and resolve issues in an AWS account. This policy also enables the user to contact AWS support to create and manage cases.",
            Allow("[\"support:*\",\"ec2:Describe*\",\"iam:Get*\",\"iam:List*\",\"cloudwatch:Describe*\",\"cloudwatch:Get*\",\"cloudwatch:List*\",\"logs:Describe*\",\"logs:Get*\",\"s3:List*\"]")),
        new AwsManagedPolicy("SecurityAudit", "/", "v1", "The security audit template grants access to read security configuration metadata.",
            Allow("[\"iam:GenerateCredentialReport\",\"iam:Get*\",\"iam:List*\",\"ec2:Describe*\",\"s3:GetBucket*\",\"s3:ListAllMyBuckets\",\"cloudtrail:Describe*\",\"cloudtrail:GetTrailStatus\",\"config:Describe*\",\"kms:List*\"]")),
        new AwsManagedPolicy("AmazonS3ReadOnlyAccess", "/", "v3", "Provides read only access to all buckets via the AWS Management Console.",
            Allow("[\"s3:Get*\",\"s3:List*\",\"s3:Describe*\",\"s3-object-lambda:Get*\",\"s3-object-lambda:List*\"]")),
        new AwsManagedPolicy("AmazonEC2ReadOnlyAccess", "/", "v1", "Provides read only access to Amazon EC2 via the AWS Management Console.",
            Allow("[\"ec2:Describe*\",\"elasticloadbalancing:Describe*\",\"cloudwatch:ListMetrics\",\"cloudwatch:GetMetricStatistics\",\"cloudwatch:Describe*\",\"autoscaling:Describe*\"]")),
        new AwsManagedPolicy("AmazonS3FullAccess", "/", "v2", "Provides full access to all buckets via the AWS Management Console.",
            Allow("[\"s3:*\",\"s3-object-lambda:*\"]")),
        new AwsManagedPolicy("AmazonEC2FullAccess", "/", "v5", "Provides full access to Amazon EC2 via the AWS Management Console.",
            Allow("[\"ec2:*\",\"elasticloadbalancing:*\",\"cloudwatch:*\",\"autoscaling:*\"]")),
    };

    private static readonly Dictionary<string, AwsManagedPolicy> ByArn = All.ToDictionary(p => p.Arn, StringComparer.Ordinal);

    public static AwsManagedPolicy? Find(string arn) => ByArn.TryGetValue(arn, out var policy) ? policy : null;

    private static string Allow(string action) =>
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":" + action + ",\"Resource\":\"*\"}]}";
}
