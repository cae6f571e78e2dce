# A hand translation of mappings/aws_kms.yaml into jq, for `udm bench` only: the 21 documented
# rows, the outcome, the caller and the key, and the additional fields rules read. Input: one
# bare CloudTrail record per line (`jq -c -f mapping.jq records.ndjson`); output: one UDM event
# per line, proto3 JSON as `udm map` writes it. Not a supported mapper: the YAML is the mapping.

def present: . != null and . != "";
def firstof(f): [f | select(present)] | .[0];
def text:
  if type == "string" then .
  elif type == "number" or type == "boolean" then tostring
  elif type == "null" then null
  else tojson end;
def isip:
  type == "string"
  and ((split(".") | length == 4 and all(.[]; tonumber? != null)) or contains(":"));
def ts:
  if type != "string" then null
  elif endswith("Z") then .
  else . + "Z" end;
def kv($k; v): (v | text) as $v | if $v | present then {key: $k, value: $v} else null end;
def keep: . != null and . != "" and . != [] and . != {};
def prune:
  if type == "object" then
    . as $o
    | reduce keys_unsorted[] as $k ({};
        ($o[$k] | prune) as $v | if $v | keep then .[$k] = $v else . end)
  elif type == "array" then [.[] | prune | select(keep)]
  else . end;
def event_type:
  {Decrypt: "USER_RESOURCE_ACCESS", Encrypt: "USER_RESOURCE_ACCESS",
   GenerateDataKey: "USER_RESOURCE_CREATION"}[.eventName // ""] // "GENERIC_EVENT";
def action:
  if .errorCode != null then "BLOCK"
  elif .eventType == "AwsApiCall" or .eventType == "AwsVpceEvent" then "ALLOW"
  else null end;
def key_arn:
  firstof(.resources[0].ARN?, .resources[0].arn?, .responseElements.keyMetadata.arn?);
def after_key:
  if type == "string" and contains(":key/") then (split(":key/") | .[1]) else null end;

select((.eventSource // "kms.amazonaws.com") == "kms.amazonaws.com")
| (.requestParameters // {}) as $p
| (.responseElements // {}) as $resp
| (.userIdentity // {}) as $ui
| key_arn as $key
| {
    metadata: {
      productLogId: .eventID,
      eventTimestamp: (.eventTime | ts),
      productEventType: .eventName,
      eventType: event_type,
      logType: "AWS_KMS",
      productName: "AWS Key Management Service",
      vendorName: "AMAZON"
    },
    principal: {
      asset: {attribute: {cloud: {environment: "AMAZON_WEB_SERVICES"}}},
      location: {countryOrRegion: .awsRegion, name: .awsRegion},
      user: {
        userid: firstof($ui.sessionContext.sessionIssuer.principalId?, $ui.principalId),
        userDisplayName: firstof($ui.sessionContext.sessionIssuer.userName?, $ui.userName),
        productObjectId: $ui.arn,
        groupIdentifiers: [$ui.accountId | text],
        attribute: {
          roles: [{name: $ui.type}],
          labels: [kv("mfaAuthenticated"; $ui.sessionContext.attributes.mfaAuthenticated?)]
        }
      },
      application: $ui.invokedBy,
      ip: [.sourceIPAddress | select(isip)]
    },
    target: {
      resource: {
        id: $key,
        resourceSubtype: .resources[0].type?,
        name: $key,
        productObjectId: ($key | after_key)
      }
    },
    about: [.resources[]? | {resource: {id: firstof(.ARN, .arn), resourceSubtype: .type}}],
    securityResult: [{
      categoryDetails: [.eventCategory],
      detectionFields: [kv("encryptionAlgorithm"; $p.encryptionAlgorithm)],
      action: [action],
      summary: .errorCode,
      description: .errorMessage
    }],
    network: {http: {userAgent: .userAgent}},
    additional: ({
      sourceIPAddress: (if .sourceIPAddress | isip then null else .sourceIPAddress end),
      accessKeyId: $ui.accessKeyId,
      requestID: .requestID,
      eventID: .eventID,
      eventType: .eventType,
      recipientAccountId: .recipientAccountId,
      errorCode: .errorCode,
      keyId: $p.keyId,
      aliasName: $p.aliasName,
      pendingWindowInDays: $p.pendingWindowInDays,
      policy: $p.policy,
      bypassPolicyLockoutSafetyCheck: $p.bypassPolicyLockoutSafetyCheck,
      origin: $p.origin,
      keySpec: firstof($p.keySpec, $p.customerMasterKeySpec),
      keyUsage: $p.keyUsage,
      granteePrincipal: $p.granteePrincipal,
      operations: $p.operations,
      encryptionContext: $p.encryptionContext,
      targetKeyId: $p.targetKeyId,
      destinationKeyId: $p.destinationKeyId,
      retiringPrincipal: $p.retiringPrincipal,
      grantId: firstof($resp.grantId?, $p.grantId),
      customKeyStoreId: firstof($p.customKeyStoreId, $resp.keyMetadata.customKeyStoreId?,
        .additionalEventData.customKeyStoreId?),
      multiRegion: firstof($p.multiRegion, $resp.keyMetadata.multiRegion?),
      replicaRegion: firstof($p.replicaRegion, $p.primaryRegion),
      keyState: firstof($resp.keyState?, $resp.keyMetadata.keyState?),
      deletionDate: $resp.deletionDate?,
      expirationModel: $p.expirationModel,
      validTo: $p.validTo,
      vpcEndpointId: .vpcEndpointId,
      readOnly: .readOnly
    } | map_values(text))
  }
| prune
