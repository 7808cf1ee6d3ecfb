"""Review.service_area: the case's service area on the review itself, for indexed lists (issue 9).
Filled from each review's case, then made required."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_usersession'),
        ('audits', '0004_job_runs'),
        ('reviews', '0006_review_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalreview',
            name='service_area',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.servicearea'),
        ),
        migrations.AddField(
            model_name='review',
            name='service_area',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.servicearea'),
        ),
        migrations.RunSQL(
            # Portable SQL (SQLite and PostgreSQL): every review takes its case's area.
            "UPDATE reviews_review SET service_area_id = (SELECT audits_case.service_area_id"
            " FROM audits_case WHERE audits_case.id = reviews_review.case_id)",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='review',
            name='service_area',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.servicearea'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(fields=['service_area', 'final_grade'], name='reviews_rev_service_366fc4_idx'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(fields=['service_area', 'status'], name='reviews_rev_service_6efbe4_idx'),
        ),
    ]
