using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using IamOnboard.Iam;
using Xunit;

namespace IamOnboard.Tests.Conformance;

/// <summary>
/// The partition a region is taken for decides where IAM is called and how requests are signed; AWS's published
/// partition data (botocore's partitions.json, as Debian's python3-botocore ships it) is the independent statement of it.
/// </summary>
public sealed class PartitionConformanceTests
{
    [Fact]
    public void Every_region_of_every_partition_AWS_publishes_maps_to_that_partition()
    {
        var path = Path.Combine(ServiceModel.BotocoreData, "partitions.json");
        Assert.True(File.Exists(path), "AWS's partition data " + path + " is missing. Install Debian's python3-botocore (.ci/run does).");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var checkedRegions = 0;
        foreach (var partition in document.RootElement.GetProperty("partitions").EnumerateArray())
        {
            var id = partition.GetProperty("id").GetString()!;
            var pattern = new Regex(partition.GetProperty("regionRegex").GetString()!, RegexOptions.CultureInvariant);
            // The partition's listed regions, without its pseudo-regions (aws-global and the like), which are no region's name.
            foreach (var region in partition.GetProperty("regions").EnumerateObject().Select(r => r.Name).Where(r => pattern.IsMatch(r)))
            {
                Assert.True(id == AwsPartition.ForRegion(region).Name, $"{region}: AWS puts it in {id}, IamOnboard in {AwsPartition.ForRegion(region).Name}");
                checkedRegions++;
            }
        }

        Assert.True(checkedRegions > 20, "only " + checkedRegions + " regions were checked");
    }

    [Fact]
    public void The_European_Sovereign_Cloud_is_its_own_partition_with_IAM_where_AWS_publishes_it()
    {
        // botocore 1.43's partitions.json (aws-eusc: regionRegex ^eusc\-(de)\-\w+\-\d+$, dnsSuffix amazonaws.eu) and IAM's
        // endpoint rules (https://iam.eusc-de-east-1.amazonaws.eu, signed for eusc-de-east-1); Debian's older copy has no aws-eusc.
        var partition = AwsPartition.ForRegion("eusc-de-east-1");
        Assert.Equal("aws-eusc", partition.Name);
        Assert.Equal("https://iam.eusc-de-east-1.amazonaws.eu", partition.IamEndpoint);
        Assert.Equal("eusc-de-east-1", partition.SigningRegion);
        Assert.Equal("https://sts.eusc-de-east-1.amazonaws.eu", partition.StsEndpointFor("eusc-de-east-1"));
        Assert.Null(partition.SignInHost);
    }
}
