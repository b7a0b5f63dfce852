#!/usr/bin/env bash
# Eventarc trigger: GCS "object finalized" events of the uploads bucket, delivered to the Cloud Run service's
# root path as binary-mode CloudEvents; the Knative build routes them by ce-type to onGcsObjectFinalized.
# Results are written to RESULTS_BUCKET, which has no trigger, so the function cannot trigger itself.
# Set: PROJECT, REGION (the bucket's region), UPLOADS_BUCKET, SERVICE_ACCOUNT (may invoke Cloud Run).
set -euo pipefail
: "${PROJECT:?}" "${REGION:?}" "${UPLOADS_BUCKET:?}" "${SERVICE_ACCOUNT:?}"

# The trigger's service account is the service's only invoker: Cloud Run refuses every other caller (the service
# allows no unauthenticated access; never add allUsers).
gcloud run services add-iam-policy-binding jepa-score \
  --project="$PROJECT" \
  --region="$REGION" \
  --member="serviceAccount:$SERVICE_ACCOUNT" \
  --role=roles/run.invoker

gcloud eventarc triggers create jepa-score-uploads \
  --project="$PROJECT" \
  --location="$REGION" \
  --destination-run-service=jepa-score \
  --destination-run-region="$REGION" \
  --destination-run-path=/ \
  --event-filters="type=google.cloud.storage.object.v1.finalized" \
  --event-filters="bucket=$UPLOADS_BUCKET" \
  --service-account="$SERVICE_ACCOUNT"
